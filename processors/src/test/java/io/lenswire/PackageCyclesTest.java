package io.lenswire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages under io.lenswire form no cycle: config at the bottom, api (generic HTTP plumbing)
 * on no feature package, feature packages in one direction. A cycle makes two packages one unit
 * that can only be understood, changed and tested together; the failure names the cycle and the
 * files that make each of its edges.
 *
 * <p>Read from the sources (imports, static imports and fully qualified names in code; comments
 * and string literals do not count), so no bytecode library is needed.
 */
class PackageCyclesTest {

    private static final String ROOT = "io.lenswire";
    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    /** A qualified name under io.lenswire (or a wildcard import): its package is the segments before the first type. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\s*\\.\\s*lenswire((?:\\s*\\.\\s*[a-z_][\\w]*)*)\\s*\\.\\s*[A-Z*]");

    @Test
    void theMainSourcesHaveNoPackageCycle() {
        Map<String, Map<String, Set<String>>> graph = graph(List.of(Path.of("src/main/java"), Path.of("src/generated/java")));
        // guards against reading nothing (a wrong working directory would pass vacuously)
        assertThat(graph.keySet()).contains("api", "camera", "ingest", "hls", "playback", "analytics", "events", "config");
        assertThat(graph.get("camera")).containsKey("ingest");
        assertThat(cycles(graph)).as("package cycles (the files that make each edge in brackets) in %s", summary(graph)).isEmpty();
    }

    @Test
    void aCycleThroughAnImportAndAQualifiedNameIsFoundAndNamed(@TempDir Path dir) throws IOException {
        write(dir, "a/One.java", """
                package io.lenswire.a;
                import io.lenswire.b.Two;
                class One { }
                """);
        write(dir, "b/Two.java", """
                package io.lenswire.b;
                public class Two { Object c = new io.lenswire.c.Three(); }
                """);
        write(dir, "c/Three.java", """
                package io.lenswire.c;
                public class Three { Object a = io.lenswire.a.One.class; }
                """);
        List<String> found = cycles(graph(List.of(dir)));
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).contains("a -> b [a/One.java]", "b -> c [b/Two.java]", "c -> a [c/Three.java]");
    }

    @Test
    void commentsAndStringsAreNotDependencies(@TempDir Path dir) throws IOException {
        write(dir, "a/One.java", """
                package io.lenswire.a;
                import io.lenswire.b.Two;
                class One { }
                """);
        write(dir, "b/Two.java", """
                package io.lenswire.b;
                /** Moved from {@link io.lenswire.a.One}. */
                public class Two {
                    // io.lenswire.a.One was here
                    String logger = "io.lenswire.a.One";
                    String url = "rtsp://cam/x"; Object ok = io.lenswire.b.Two.class;
                }
                """);
        Map<String, Map<String, Set<String>>> graph = graph(List.of(dir));
        assertThat(graph.get("a")).containsOnlyKeys("b");
        assertThat(graph.get("b")).isEmpty();
        assertThat(cycles(graph)).isEmpty();
    }

    private static void write(Path dir, String file, String text) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    /** Package (below io.lenswire) to the packages it uses, each with the files that use it. */
    static Map<String, Map<String, Set<String>>> graph(List<Path> roots) {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String code = codeOnly(Files.readString(file));
                    Matcher declared = PACKAGE.matcher(code);
                    if (!declared.find() || !(declared.group(1) + ".").startsWith(ROOT + ".")) {
                        continue;
                    }
                    String from = shortName(declared.group(1));
                    Map<String, Set<String>> uses = graph.computeIfAbsent(from, k -> new TreeMap<>());
                    Matcher reference = REFERENCE.matcher(code.substring(declared.end()));
                    while (reference.find()) {
                        String to = shortName(ROOT + reference.group(1).replaceAll("\\s", ""));
                        if (!to.equals(from)) {
                            uses.computeIfAbsent(to, k -> new TreeSet<>()).add(root.relativize(file).toString().replace('\\', '/'));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return graph;
    }

    private static String shortName(String pkg) {
        return pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1);
    }

    /** One cycle per strongly connected component of more than one package, edges with their files. */
    static List<String> cycles(Map<String, Map<String, Set<String>>> graph) {
        List<String> out = new ArrayList<>();
        for (Set<String> component : components(graph)) {
            if (component.size() < 2) {
                continue;
            }
            List<String> path = cycleWithin(graph, component);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i + 1 < path.size(); i++) {
                String from = path.get(i);
                String to = path.get(i + 1);
                text.append(i == 0 ? "" : ", ").append(from).append(" -> ").append(to)
                        .append(' ').append(graph.get(from).get(to));
            }
            out.add("cycle " + String.join(" -> ", path) + ": " + text + " (packages in the cycle: " + component + ")");
        }
        return out;
    }

    /** The shortest way from the component's first package back to itself, first package repeated at the end. */
    private static List<String> cycleWithin(Map<String, Map<String, Set<String>>> graph, Set<String> component) {
        String start = new TreeSet<>(component).first();
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : graph.getOrDefault(at, Map.of()).keySet()) {
                if (!component.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = at; !p.equals(start); p = cameFrom.get(p)) {
                        path.add(0, p);
                    }
                    path.add(0, start);
                    return path;
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("no cycle in a strongly connected component " + component);
    }

    /** Tarjan's strongly connected components. */
    private static List<Set<String>> components(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(m -> nodes.addAll(m.keySet()));
        for (String node : nodes) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new LinkedHashSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /** The source with comments, string, text block and char literals blanked (line breaks kept). */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = blank(source, i, end < 0 ? n : end + 2, out);
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                i = blank(source, i, end < 0 ? n : end + 3, out);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = blank(source, i, Math.min(n, j + 1), out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
        return to;
    }

    /** For the failure message: which package uses which. */
    static Map<String, Set<String>> summary(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        graph.forEach((from, uses) -> out.put(from, new TreeSet<>(uses.keySet())));
        return out;
    }
}
