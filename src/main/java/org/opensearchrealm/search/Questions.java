/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.apache.lucene.search.BooleanClause;
import org.opensearch.index.query.MatchQueryBuilder;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilderVisitor;
import org.opensearch.index.query.QueryStringQueryBuilder;

import org.opensearchrealm.retrieve.RetrievedPassage;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Where a search request's question is: a {@code realm} clause, or the text of a full-text query. */
final class Questions {

    private Questions() {}

    /**
     * A {@code realm} clause: its question and k, and the passages {@code _realm} retrieved for it, best first (null
     * before the query's rewrite).
     */
    record RealmClause(String question, int k, List<RetrievedPassage> passages) {}

    /** The first {@code realm} clause of the query that is not negated, retrieved or not; empty when it has none. */
    static Optional<RealmClause> realmClause(QueryBuilder query) {
        Finder<RealmClause> finder = new Finder<>(q -> switch (q) {
            case RetrievedPassagesQueryBuilder retrieved -> new RealmClause(retrieved.question(), retrieved.k(), retrieved.passages());
            case RealmQueryBuilder realm -> new RealmClause(realm.query(), realm.k(), null);
            default -> null;
        });
        if (query != null) {
            query.visit(finder);
        }
        return Optional.ofNullable(finder.found);
    }

    /**
     * The text of the first {@code query_string}, {@code match} or {@code multi_match} query that is not negated; empty
     * when it has none, or only a wildcard ({@code *}, what Discover sends for an empty query bar).
     */
    static Optional<String> queryText(QueryBuilder query) {
        Finder<String> finder = new Finder<>(Questions::textOf);
        if (query != null) {
            query.visit(finder);
        }
        return Optional.ofNullable(finder.found);
    }

    /** The question a full-text query asks, or null. */
    static String textOf(QueryBuilder query) {
        Object text = switch (query) {
            case QueryStringQueryBuilder q -> q.queryString();
            case MatchQueryBuilder q -> q.value();
            case MultiMatchQueryBuilder q -> q.value();
            default -> null;
        };
        return text instanceof String s && s.isBlank() == false && s.strip().equals("*") == false ? s : null;
    }

    /** Finds the first query, depth first, that {@code match} maps to a value; negated clauses are not looked into. */
    private static final class Finder<T> implements QueryBuilderVisitor {
        private final Function<QueryBuilder, T> match;
        T found;

        Finder(Function<QueryBuilder, T> match) {
            this.match = match;
        }

        @Override
        public void accept(QueryBuilder qb) {
            if (found == null) {
                found = match.apply(qb);
            }
        }

        @Override
        public QueryBuilderVisitor getChildVisitor(BooleanClause.Occur occur) {
            return occur == BooleanClause.Occur.MUST_NOT ? QueryBuilderVisitor.NO_OP_VISITOR : this;
        }
    }
}
