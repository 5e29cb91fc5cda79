import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by ops-dsl's pom on the jars in target/lib): rewrites class files older than
 * Java 6 (class version 49 and below, picocli's) as version 52 with their stack map frames
 * computed. Java 17's class-data sharing leaves such classes out of the start-up archive ("Pre JDK
 * 6 class not supported by CDS"), so every start loaded and verified them from the jar again. The
 * code itself is unchanged. A jar with nothing that old is left as it is, so running it twice
 * changes nothing.
 *
 * <pre>{@code java -cp asm.jar ClassFileUpgrade target/lib/picocli-4.7.7.jar}</pre>
 */
public final class ClassFileUpgrade {
    private static final int OLDEST_KEPT = Opcodes.V1_6;

    public static void main(String[] args) throws IOException {
        for (String arg : args) upgrade(Path.of(arg));
    }

    private static void upgrade(Path jar) throws IOException {
        if (!needsUpgrade(jar)) return;
        Path tmp = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".tmp");
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < OLDEST_KEPT) {
                    bytes = rewrite(bytes, loader);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + upgraded + " classes to version 52");
    }

    private static boolean needsUpgrade(Path jar) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class")) continue;
                try (InputStream s = in.getInputStream(entry)) {
                    if (majorVersion(s.readNBytes(8)) < OLDEST_KEPT) return true;
                }
            }
        }
        return false;
    }

    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] rewrite(byte[] bytes, ClassLoader loader) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return loader; // the common super class of two of the jar's own types
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
