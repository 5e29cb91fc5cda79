package io.discordination.ops.runbook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A runbook script compiled once: its classes' bytes in load order, the methods to invoke in
 * order to declare the runbook again, and for each class the script line of each class-file line.
 * Kept in the compile cache, keyed by the script's content, so the next start needs no compiler.
 */
public record CompiledScript(Map<String, byte[]> classes, List<String> invocations, Map<String, int[]> lineMaps) {
    private static final int MAGIC = 0x0B5C0DE1;

    public CompiledScript {
        classes = new LinkedHashMap<>(classes);
        invocations = List.copyOf(invocations);
        lineMaps = new LinkedHashMap<>(lineMaps);
    }

    /**
     * The script line for line {@code classLine} of class {@code className}, or 0. An empty map
     * means the class keeps the script's lines (a script compiled as one class).
     */
    public int scriptLine(String className, int classLine) {
        int[] map = lineMaps.get(className);
        if (map == null || classLine <= 0) return 0;
        if (map.length == 0) return classLine;
        return classLine < map.length ? map[classLine] : 0;
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(classes.size());
            for (var e : classes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.writeInt(invocations.size());
            for (String i : invocations) out.writeUTF(i);
            out.writeInt(lineMaps.size());
            for (var e : lineMaps.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (int v : e.getValue()) out.writeInt(v);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static CompiledScript fromBytes(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        if (in.readInt() != MAGIC) throw new IOException("not a compiled runbook");
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            String name = in.readUTF();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            classes.put(name, b);
        }
        List<String> invocations = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) invocations.add(in.readUTF());
        Map<String, int[]> maps = new LinkedHashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            String name = in.readUTF();
            int[] m = new int[in.readInt()];
            for (int i = 0; i < m.length; i++) m[i] = in.readInt();
            maps.put(name, m);
        }
        return new CompiledScript(classes, invocations, maps);
    }

    /** Defines the classes in a fresh loader below {@code parent}. */
    public ClassLoader loader(ClassLoader parent) {
        return new BytecodeLoader(parent, classes);
    }

    private static final class BytecodeLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> classes;

        BytecodeLoader(ClassLoader parent, Map<String, byte[]> classes) {
            super("runbook", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) throw new ClassNotFoundException(name);
            return defineClass(name, b, 0, b.length);
        }
    }
}
