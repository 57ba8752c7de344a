/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The data side of {@link SquadEval}: a corpus of {@code {"id", "title", "text"}} documents, a SQuAD-format question
 * file (v1.1 or v2.0), which corpus document each question was asked on, and which of that document's passages are
 * gold. Pure functions of the inputs: no node involved.
 */
final class Squad {

    private Squad() {}

    /** One corpus line: its id, and its source (every field but "id"). */
    record Doc(String id, String text, Map<String, Object> source) {}

    /**
     * One SQuAD question. {@code answers} are the gold answer texts (several annotators; duplicates kept as in the file);
     * empty for a SQuAD 2.0 unanswerable question.
     */
    record Question(String id, String question, String context, String title, List<String> answers) {
        boolean answerable() {
            return answers.isEmpty() == false;
        }
    }

    /** A question file: its declared version, and its questions in file order. */
    record QuestionFile(String version, List<Question> questions) {
        /** Whether the file is SQuAD 2.0-style: it declares a 2.x version or has an unanswerable question. */
        boolean allowsNoAnswer() {
            return version.startsWith("v2") || version.startsWith("2") || questions.stream().anyMatch(q -> q.answerable() == false);
        }
    }

    /** A passage as stored in the index: its number within the document and its text. */
    record Passage(int num, String text) {}

    // ---------------------------------------------------------------------------------------------------------------
    // reading

    static List<Doc> readCorpus(Path path, String sourceField) throws IOException {
        List<Doc> docs = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> obj;
                try {
                    obj = XContentHelper.convertToMap(JsonXContent.jsonXContent, line, true);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(path + ":" + n + ": not a JSON object (" + e.getMessage() + ")", e);
                }
                Object id = obj.get("id");
                Object text = obj.get(sourceField);
                if (id == null) {
                    throw new IllegalArgumentException(path + ":" + n + ": no \"id\"");
                }
                if (text instanceof String == false) {
                    throw new IllegalArgumentException(path + ":" + n + ": no string \"" + sourceField + "\"");
                }
                String key = String.valueOf(id);
                if (ids.add(key) == false) {
                    throw new IllegalArgumentException(path + ":" + n + ": duplicate id " + key);
                }
                Map<String, Object> source = new LinkedHashMap<>(obj);
                source.remove("id");
                docs.add(new Doc(key, (String) text, source));
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static QuestionFile readQuestions(Path path) throws IOException {
        Map<String, Object> root;
        try (var in = Files.newInputStream(path)) {
            root = XContentHelper.convertToMap(JsonXContent.jsonXContent, in, true);
        }
        Object data = root.get("data");
        if (data instanceof List == false) {
            throw new IllegalArgumentException(path + ": not a SQuAD file (no \"data\" list)");
        }
        String version = String.valueOf(root.getOrDefault("version", ""));
        List<Question> questions = new ArrayList<>();
        for (Object article : (List<Object>) data) {
            Map<String, Object> a = (Map<String, Object>) article;
            String title = String.valueOf(a.getOrDefault("title", ""));
            for (Object paragraph : (List<Object>) a.getOrDefault("paragraphs", List.of())) {
                Map<String, Object> p = (Map<String, Object>) paragraph;
                String context = (String) p.get("context");
                for (Object qa : (List<Object>) p.getOrDefault("qas", List.of())) {
                    Map<String, Object> q = (Map<String, Object>) qa;
                    List<String> answers = new ArrayList<>();
                    boolean impossible = Boolean.TRUE.equals(q.get("is_impossible"));
                    if (impossible == false) {
                        for (Object ans : (List<Object>) q.getOrDefault("answers", List.of())) {
                            answers.add(String.valueOf(((Map<String, Object>) ans).get("text")));
                        }
                    }
                    questions.add(new Question(String.valueOf(q.get("id")), String.valueOf(q.get("question")), context, title, answers));
                }
            }
        }
        return new QuestionFile(version, questions);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // question paragraph -> corpus documents

    /**
     * Finds the corpus documents whose text is a question's paragraph: the exact string first, else the same text with
     * white space collapsed and trimmed (corpora made by other tools often re-space paragraphs). Several documents can
     * carry the same text; all of them are returned, in corpus order.
     */
    static final class ParagraphMatcher {
        private final Map<String, List<String>> exact = new HashMap<>();
        private final Map<String, List<String>> spaced = new HashMap<>();

        ParagraphMatcher(List<Doc> docs) {
            for (Doc d : docs) {
                exact.computeIfAbsent(d.text(), t -> new ArrayList<>()).add(d.id());
                spaced.computeIfAbsent(collapseSpace(d.text()), t -> new ArrayList<>()).add(d.id());
            }
        }

        /** The matching document ids (empty when the paragraph is not in the corpus). */
        List<String> match(String context) {
            if (context == null) {
                return List.of();
            }
            List<String> ids = exact.get(context);
            if (ids == null) {
                ids = spaced.get(collapseSpace(context));
            }
            return ids == null ? List.of() : ids;
        }
    }

    /** Runs of white space (Java's or Unicode's) as one space, trimmed. */
    static String collapseSpace(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
                space = true;
            } else {
                if (space && b.length() > 0) {
                    b.append(' ');
                }
                space = false;
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // gold passages

    /**
     * Whether a passage contains one of the answers, as a run of whole words: both are cut into lower-cased runs of
     * letters and digits, and the answer's words must appear in a row in the passage's (so "the Moon," contains "moon",
     * "Rollo's" and "Adriatic—fell" contain "Rollo" and "Adriatic", and "1990" does not contain "1"). An answer without
     * a letter or digit is looked up verbatim. The SQuAD normalisation is not used here: it deletes punctuation without
     * splitting, which glues "Rollo's" into "rollos" and "governments.[citation" into one token.
     */
    static boolean containsAnswer(String passage, List<String> answers) {
        List<String> words = null;
        for (String answer : answers) {
            List<String> a = words(answer);
            if (a.isEmpty()) {
                if (answer.isBlank() == false && passage.contains(answer.strip())) {
                    return true;
                }
                continue;
            }
            if (words == null) {
                words = words(passage);
            }
            if (Collections.indexOfSubList(words, a) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The lower-cased runs of letters and digits of a text. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i < lower.length();) {
            int cp = lower.codePointAt(i);
            boolean word = Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK;
            if (word && start < 0) {
                start = i;
            } else if (word == false && start >= 0) {
                out.add(lower.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(lower.substring(start));
        }
        return out;
    }

    /** The numbers of the passages of the question's paragraph that contain one of its answers. */
    static Set<Integer> goldPassages(List<Passage> passages, List<String> answers) {
        Set<Integer> gold = new LinkedHashSet<>();
        for (Passage p : passages) {
            if (containsAnswer(p.text(), answers)) {
                gold.add(p.num());
            }
        }
        return gold;
    }

    /**
     * The rank (1-based) of the first hit of a ranked list that is gold, or 0 when none is. A hit is a document id and
     * passage number; gold maps document ids to their gold passage numbers.
     */
    static int firstGoldRank(List<Map.Entry<String, Integer>> ranked, Map<String, Set<Integer>> gold) {
        for (int i = 0; i < ranked.size(); i++) {
            Set<Integer> nums = gold.get(ranked.get(i).getKey());
            if (nums != null && nums.contains(ranked.get(i).getValue())) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The rank (1-based) of the first hit from one of the gold documents, or 0. */
    static int firstDocRank(List<Map.Entry<String, Integer>> ranked, Set<String> goldDocs) {
        for (int i = 0; i < ranked.size(); i++) {
            if (goldDocs.contains(ranked.get(i).getKey())) {
                return i + 1;
            }
        }
        return 0;
    }
}
