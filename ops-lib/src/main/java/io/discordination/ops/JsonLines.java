package io.discordination.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file of JSON lines (the audit log, run journals) that a crash may have cut short: each
 * line is decoded and parsed on its own, so a line torn inside a UTF-8 character or inside its
 * JSON, or bytes that are no text at all, are skipped and counted instead of failing the whole read.
 *
 * <pre>{@code JsonLines.Read<AuditLog.Record> read = JsonLines.read(file, AuditLog.Record.class);  read.skipped()}</pre>
 */
public final class JsonLines {
    private JsonLines() {
    }

    /** What a read found: the parsed lines, oldest first, and the 1-based numbers of the lines it skipped. */
    public record Read<T>(List<T> records, List<Integer> skippedLines) {
        /** One sentence for a warning, or null when nothing was skipped. */
        public String skippedDescription(Path file) {
            if (skippedLines.isEmpty()) return null;
            return skippedLines.size() == 1
                    ? "skipped line " + skippedLines.get(0) + " of " + file + ": it is not a complete JSON line (cut short by a crash?)"
                    : "skipped " + skippedLines.size() + " lines of " + file + " that are not complete JSON lines (lines "
                    + skippedLines.stream().limit(10).map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + (skippedLines.size() > 10 ? ", ..." : "") + ")";
        }
    }

    /** Reads {@code file}; a missing file reads as empty. */
    public static <T> Read<T> read(Path file, Class<T> type) throws IOException {
        List<T> records = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        if (!Files.exists(file)) return new Read<>(records, skipped);
        return read(Files.readAllBytes(file), type);
    }

    /** Reads JSON lines that are not in a file (an S3 object's bytes) as {@link #read(Path, Class)} reads a file. */
    public static <T> Read<T> read(byte[] bytes, Class<T> type) {
        List<T> records = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        int lineNumber = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            lineNumber++;
            parse(bytes, start, end, decoder, type, records, skipped, lineNumber);
            start = end + 1;
        }
        return new Read<>(records, skipped);
    }

    private static <T> void parse(byte[] bytes, int start, int end, CharsetDecoder decoder, Class<T> type,
                                  List<T> records, List<Integer> skipped, int lineNumber) {
        String line;
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, start, end - start));
            line = chars.toString();
        } catch (CharacterCodingException notText) {
            skipped.add(lineNumber);
            return;
        }
        if (line.isBlank()) return;
        try {
            T value = Json.mapper().readValue(line, type);
            if (value == null) skipped.add(lineNumber);
            else records.add(value);
        } catch (IOException | RuntimeException torn) {
            skipped.add(lineNumber);
        }
    }
}
