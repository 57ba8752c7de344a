/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Holds the runtime sources ({@code src/main/java}) to their layout: every package says in its {@code package-info.java}
 * which packages of the plugin it may import ({@code May import: {@code a}, {@code b}.}), every import keeps to that,
 * the packages import each other without a cycle, and no source file is longer than {@link #MAX_LINES} lines.
 */
public class PackageLayoutTests extends OpenSearchTestCase {

    static final String ROOT = "org.opensearchrealm";
    static final int MAX_LINES = 500;
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(" + Pattern.quote(ROOT) + "[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern MAY_IMPORT = Pattern.compile("May import:([^\\n]*(?:\\n\\s*\\*(?![\\s]*@)(?!/)[^\\n]*)*)");
    private static final Pattern CODE = Pattern.compile("\\{@code ([\\w.]+)}");

    public void testLayoutOfTheRuntimeSources() throws IOException {
        Layout layout = Layout.read(Path.of("src/main/java"));
        List<String> problems = new ArrayList<>(layout.violations());
        layout.cycles().forEach(cycle -> problems.add("packages that import each other in a cycle: " + cycle));
        assertTrue("the runtime sources break their layout:\n" + String.join("\n", problems), problems.isEmpty());
    }

    /** The check itself: an import against the declared layout, and an import that closes a cycle, are both caught. */
    public void testFindsForbiddenImportsAndCycles() throws IOException {
        Path src = createTempDir();
        write(src, "a", "package-info.java", "/** <p>May import: {@code b}. */\npackage org.opensearchrealm.a;\n");
        write(src, "b", "package-info.java", "/** <p>May import: nothing of the plugin. */\npackage org.opensearchrealm.b;\n");
        write(src, "a", "A.java", "package org.opensearchrealm.a;\nimport org.opensearchrealm.b.B;\nclass A {}\n");
        write(src, "b", "B.java", "package org.opensearchrealm.b;\nimport org.opensearchrealm.a.A.Inner;\nclass B {}\n");
        Layout layout = Layout.read(src);
        assertEquals(1, layout.violations().size());
        assertTrue(layout.violations().get(0), layout.violations().get(0).contains("B.java imports org.opensearchrealm.a.A.Inner"));
        assertEquals(List.of("a, b"), layout.cycles());

        write(src, "b", "B.java", "package org.opensearchrealm.b;\nclass B {\n" + "// line\n".repeat(MAX_LINES) + "}\n");
        write(src, "c", "C.java", "package org.opensearchrealm.c;\nclass C {}\n");
        layout = Layout.read(src);
        assertEquals(List.of(), layout.cycles());
        assertTrue(layout.violations().toString(), layout.violations().stream().anyMatch(v -> v.contains("B.java has 503 lines")));
        assertTrue(layout.violations().toString(), layout.violations().stream().anyMatch(v -> v.contains("package c has no package-info.java")));
    }

    private static void write(Path src, String pkg, String file, String text) throws IOException {
        Path dir = src.resolve(ROOT.replace('.', '/')).resolve(pkg);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), text);
    }

    /** The packages of a source tree, what they import and what they may import. */
    record Layout(Map<String, Set<String>> imports, List<String> violations) {

        static Layout read(Path src) throws IOException {
            Map<String, Set<String>> imports = new TreeMap<>();
            Map<String, Set<String>> allowed = new HashMap<>();
            List<String> violations = new ArrayList<>();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(src)) {
                files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            }
            Map<String, List<Path>> byPackage = new TreeMap<>();
            for (Path file : files) {
                String text = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(text);
                assertTrue("no package line in " + file, pkg.find());
                String name = shortName(pkg.group(1));
                byPackage.computeIfAbsent(name, k -> new ArrayList<>()).add(file);
                imports.computeIfAbsent(name, k -> new TreeSet<>());
                long lines = text.lines().count();
                if (lines > MAX_LINES) {
                    violations.add(src.relativize(file) + " has " + lines + " lines, more than " + MAX_LINES);
                }
                if (file.getFileName().toString().equals("package-info.java")) {
                    allowed.put(name, mayImport(text, file, violations));
                }
            }
            for (Map.Entry<String, List<Path>> e : byPackage.entrySet()) {
                String pkg = e.getKey();
                Set<String> may = allowed.get(pkg);
                if (may == null) {
                    violations.add("package " + pkg + " has no package-info.java saying what it may import");
                }
                for (Path file : e.getValue()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String target = packageOf(m.group(1));
                        if (target.equals(pkg)) {
                            continue;
                        }
                        imports.get(pkg).add(target);
                        if (may != null && may.contains("*") == false && may.contains(target) == false) {
                            violations.add(src.relativize(file) + " imports " + m.group(1) + ", but package " + pkg + " may import only " + may);
                        }
                    }
                }
            }
            return new Layout(imports, violations);
        }

        private static Set<String> mayImport(String text, Path file, List<String> violations) {
            Matcher m = MAY_IMPORT.matcher(text);
            if (m.find() == false) {
                violations.add(file + " does not say what its package may import (\"May import: ...\")");
                return Set.of("*");
            }
            String clause = m.group(1);
            if (clause.contains("any package of the plugin")) {
                return Set.of("*");
            }
            Set<String> may = new TreeSet<>();
            Matcher code = CODE.matcher(clause);
            while (code.find()) {
                may.add(code.group(1));
            }
            return may;
        }

        /** The packages that import each other in a cycle, as "a, b" per strongly connected component (Tarjan). */
        List<String> cycles() {
            Map<String, Integer> index = new HashMap<>();
            Map<String, Integer> low = new HashMap<>();
            Deque<String> stack = new ArrayDeque<>();
            List<String> cycles = new ArrayList<>();
            for (String pkg : imports.keySet()) {
                if (index.containsKey(pkg) == false) {
                    connect(pkg, index, low, stack, cycles);
                }
            }
            return cycles;
        }

        private void connect(String pkg, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack, List<String> cycles) {
            index.put(pkg, index.size());
            low.put(pkg, index.get(pkg));
            stack.push(pkg);
            for (String next : imports.getOrDefault(pkg, Set.of())) {
                if (imports.containsKey(next) == false) {
                    continue;
                }
                if (index.containsKey(next) == false) {
                    connect(next, index, low, stack, cycles);
                    low.put(pkg, Math.min(low.get(pkg), low.get(next)));
                } else if (stack.contains(next)) {
                    low.put(pkg, Math.min(low.get(pkg), index.get(next)));
                }
            }
            if (low.get(pkg).equals(index.get(pkg))) {
                List<String> component = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    component.add(member);
                } while (member.equals(pkg) == false);
                if (component.size() > 1) {
                    cycles.add(String.join(", ", new TreeSet<>(component)));
                }
            }
        }

        private static String packageOf(String importTarget) {
            StringBuilder pkg = new StringBuilder();
            for (String part : importTarget.split("\\.")) {
                if (Character.isUpperCase(part.charAt(0))) {
                    break;
                }
                pkg.append(pkg.isEmpty() ? "" : ".").append(part);
            }
            return shortName(pkg.toString());
        }

        private static String shortName(String pkg) {
            return pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1);
        }
    }
}
