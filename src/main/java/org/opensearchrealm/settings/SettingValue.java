/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A setting or request value that is one of an enum's constants, written as its lower-case name. */
interface SettingValue {

    String name();

    /** The name in settings and JSON: {@code data_node} for {@code DATA_NODE}. */
    default String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant named {@code value}.
     *
     * @throws IllegalArgumentException naming the field and every allowed value: "[f] must be [a], [b] or [c], got [x]"
     */
    static <E extends Enum<E> & SettingValue> E parse(E[] values, String field, String value) {
        List<String> names = new ArrayList<>();
        for (E e : values) {
            if (e.jsonName().equals(value)) {
                return e;
            }
            names.add("[" + e.jsonName() + "]");
        }
        String allowed = names.size() == 1
            ? names.get(0)
            : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new IllegalArgumentException("[" + field + "] must be " + allowed + ", got [" + value + "]");
    }
}
