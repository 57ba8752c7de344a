/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of one JSON object of a model descriptor, read with their types checked: every failure is a 400 that
 * names the descriptor and the field.
 */
final class DescriptorFields {

    private final Map<String, Object> map;
    private final String origin;

    DescriptorFields(Map<String, Object> map, String origin) {
        this.map = map;
        this.origin = origin;
    }

    String origin() {
        return origin;
    }

    boolean has(String field) {
        return map.containsKey(field);
    }

    /** Refuses fields that are not in {@code known}, so that a misspelt optional field does not fall back silently. */
    void rejectUnknown(Set<String> known, String where) {
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(known);
        if (unknown.isEmpty() == false) {
            throw invalid(where + "unknown field(s) " + unknown + "; the known fields are " + known);
        }
    }

    /** The object under {@code field}, whose errors name it as {@code [field]}. */
    DescriptorFields object(String field, String requiredFor) {
        Object value = map.get(field);
        if (value instanceof Map<?, ?> == false) {
            throw invalid("[" + field + "] is required " + requiredFor + ", an object, got " + typeName(value) + " [" + value + "]");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) value;
        return new DescriptorFields(inner, origin + "] [" + field);
    }

    Object raw(String field, Object defaultValue) {
        return map.getOrDefault(field, defaultValue);
    }

    String requiredString(String field) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid("[" + field + "] is required");
        }
        if (value instanceof String s) {
            if (s.isEmpty()) {
                throw invalid("[" + field + "] must not be empty");
            }
            return s;
        }
        throw invalid("[" + field + "] must be a string, got " + typeName(value) + " [" + value + "]");
    }

    String optionalString(String field, String defaultValue) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof String s) {
            return s;
        }
        throw invalid("[" + field + "] must be a string, got " + typeName(value) + " [" + value + "]");
    }

    boolean optionalBoolean(String field, boolean defaultValue) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw invalid("[" + field + "] must be true or false, got " + typeName(value) + " [" + value + "]");
    }

    int requiredInt(String field, int min, int max) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid("[" + field + "] is required");
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long v = ((Number) value).longValue();
            if (v < min || v > max) {
                throw invalid("[" + field + "] must be between " + min + " and " + max + ", got [" + v + "]");
            }
            return (int) v;
        }
        throw invalid("[" + field + "] must be an integer, got " + typeName(value) + " [" + value + "]");
    }

    /** A number in {@code [min, max]}, or {@code defaultValue} when the field is absent. */
    double optionalDouble(String field, double defaultValue, double min, double max) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            double v = n.doubleValue();
            if (v < min || v > max) {
                throw invalid("[" + field + "] must be between " + min + " and " + max + ", got [" + v + "]");
            }
            return v;
        }
        throw invalid("[" + field + "] must be a number, got " + typeName(value) + " [" + value + "]");
    }

    int optionalInt(String field, int defaultValue, int min, int max) {
        return map.containsKey(field) ? requiredInt(field, min, max) : defaultValue;
    }

    /** One of {@code values} by its lower-case name. */
    <E extends Enum<E>> E requiredEnum(String field, E[] values) {
        Object value = map.get(field);
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        if (value == null) {
            throw invalid("[" + field + "] is required, one of " + names);
        }
        if (value instanceof String s) {
            for (E e : values) {
                if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return e;
                }
            }
        }
        throw invalid("[" + field + "] must be one of " + names + ", got " + typeName(value) + " [" + value + "]");
    }

    /** A non-empty object of strings, in the descriptor's order. */
    Map<String, String> stringMap(String field) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid("[" + field + "] is required");
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                throw invalid("[" + field + "] must not be empty");
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof String s) {
                    result.put((String) e.getKey(), s);
                } else {
                    throw invalid(
                        "[" + field + "." + e.getKey() + "] must be a string, got " + typeName(e.getValue()) + " [" + e.getValue() + "]"
                    );
                }
            }
            return result;
        }
        throw invalid("[" + field + "] must be an object, got " + typeName(value) + " [" + value + "]");
    }

    List<String> stringList(String field) {
        Object value = map.get(field);
        if (value instanceof List<?> list) {
            List<String> result = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof String s) {
                    result.add(s);
                } else {
                    throw invalid("[" + field + "] must hold strings, got " + typeName(o) + " [" + o + "]");
                }
            }
            return result;
        }
        throw invalid("[" + field + "] must be an array of strings, got " + typeName(value) + " [" + value + "]");
    }

    ModelException invalid(String message) {
        return invalid(origin, message);
    }

    static ModelException invalid(String origin, String message) {
        return ModelException.badRequest("invalid model descriptor [" + origin + "]: " + message);
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String) {
            return "a string";
        } else if (value instanceof Number) {
            return "a number";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof Map) {
            return "an object";
        } else if (value instanceof List) {
            return "an array";
        }
        return value.getClass().getSimpleName();
    }
}
