/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.reactor.ssl.TlsDetails;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.test.rest.yaml.ObjectPath;
import org.junit.Before;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;

/**
 * Nobody reads through {@code _realm} what they could not read through {@code _search}: against a real node with the
 * OpenSearch security plugin (HTTPS, demo certificates), run by integ-test/security-test.sh, which passes the admin
 * password and the demo CA (config/root-ca.pem) as system properties. The users and roles are made here, as admin, through
 * the security REST API; {@link #REALM_USER_ROLE} is the read-only role that README.md documents.
 */
public class RealmSecurityIT extends RealmRestSupport {

    private static final String READER = "tiny-qa-pick"; // its answer is "moon" wherever a passage has that word
    private static final String DOCS = "sec-docs";
    private static final String OTHER = "sec-other";
    private static final String OTHER_ALIAS = "sec-other-alias";
    private static final String BOTH_ALIAS = "sec-both";
    private static final String LOOKUP = "sec-lookup";
    private static final String NEW_INDICES = "sec-new-*"; // what the writer roles may create
    private static final String QUESTION = "Where is the moon tonight?";
    private static final String SECRET_TEXT = "Tonight the moon is over the water.";
    private static final String PASSWORD = "Realm-User-Passw0rd!";

    /**
     * What README.md's read-only role allows: {@code _realm} and the search it runs as the caller, and the reading of the
     * {@code realm_answers} search processor.
     */
    private static final List<String> READ_ACTIONS = List.of("indices:data/read/realm/search", "indices:data/read/realm/answer", "indices:data/read/search");
    /** The read-only role of README.md, on {@link #DOCS} only. */
    static final Map<String, Object> REALM_USER_ROLE = obj(
        "cluster_permissions",
        List.of(),
        "index_permissions",
        List.of(obj("index_patterns", List.of(DOCS), "allowed_actions", READ_ACTIONS))
    );
    /** A search pipeline that answers, made by admin; users name it with {@code search_pipeline}. */
    private static final String ANSWERS_PIPELINE = "sec-answers";

    private static boolean fixturesReady;

    // --- HTTPS and credentials ---------------------------------------------------------------------------------------

    @Override
    protected String getProtocol() {
        return "https";
    }

    /** As admin, unless a request says otherwise ({@link #as}). */
    @Override
    protected Settings restClientSettings() {
        return Settings.builder()
            .put(ThreadContext.PREFIX + ".Authorization", basicAuth("admin", requiredProperty("tests.realm.security.admin_password")))
            .build();
    }

    /**
     * HTTPS trusting the demo CA. Not through the base class's truststore settings: loading a keystore there needs the
     * BouncyCastle FIPS provider, which the test classpath does not have.
     */
    @Override
    protected RestClient buildClient(Settings settings, HttpHost[] hosts) throws IOException {
        RestClientBuilder builder = RestClient.builder(hosts);
        configureClient(builder, settings);
        SSLContext ssl = trustingDemoCa(Path.of(requiredProperty("tests.realm.security.ca")));
        builder.setHttpClientConfigCallback(
            http -> http.setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setTlsStrategy(
                        ClientTlsStrategyBuilder.create()
                            .setSslContext(ssl)
                            // the JDK's SSLEngine needs this with HttpClient 5 (HTTPCLIENT-2219), as in the base class
                            .setTlsDetailsFactory(engine -> new TlsDetails(engine.getSession(), engine.getApplicationProtocol()))
                            .build()
                    )
                    .build()
            )
        );
        builder.setStrictDeprecationMode(true);
        return builder.build();
    }

    private static SSLContext trustingDemoCa(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("demo-root-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the CA in " + caPem, e);
        }
    }

    /** The indices, users and roles are made once and kept: the security index must not be wiped. */
    @Override
    protected boolean preserveClusterUponCompletion() {
        return true;
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property [" + name + "] is not set: run integ-test/security-test.sh");
        }
        return value;
    }

    private static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static RequestOptions as(String user) {
        return RequestOptions.DEFAULT.toBuilder().addHeader("Authorization", basicAuth(user, PASSWORD)).build();
    }

    // --- fixtures ----------------------------------------------------------------------------------------------------

    @Before
    public void createFixtures() throws IOException {
        if (fixturesReady) {
            return;
        }
        // a node kept from an earlier run (security-test.sh --keep-node) still has them
        Request stale = new Request("DELETE", "/" + String.join(",", DOCS, OTHER, LOOKUP, NEW_INDICES));
        stale.addParameter("ignore_unavailable", "true");
        client().performRequest(stale);
        String settings = "\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}";
        createRealmIndex(DOCS, "{\"reader\":\"" + READER + "\",\"passage_tokens\":24,\"overlap_tokens\":8," + settings + "}");
        bulk(
            DOCS,
            List.of(
                Map.of("_id", "secret-moon", "doc", obj("text", SECRET_TEXT, "level", "secret")),
                Map.of("_id", "public-dog", "doc", obj("text", "A dog sat on the mat in the house.", "level", "public")),
                Map.of("_id", "public-tree", "doc", obj("text", "The big tree stands by the water at night.", "level", "public"))
            )
        );
        createRealmIndex(OTHER, "{" + settings + "}");
        bulk(OTHER, List.of(Map.of("_id", "other-moon", "doc", obj("text", "The moon of the other index is bright tonight.", "level", "public"))));
        client().performRequest(request("PUT", "/" + LOOKUP + "/_doc/ids?refresh=true", json(obj("ids", List.of("secret-moon")))));
        client().performRequest(
            request(
                "POST",
                "/_aliases",
                json(
                    obj(
                        "actions",
                        List.of(
                            obj("add", obj("index", OTHER, "alias", OTHER_ALIAS)),
                            obj("add", obj("indices", List.of(DOCS, OTHER), "alias", BOTH_ALIAS))
                        )
                    )
                )
            )
        );

        role("realm_user", REALM_USER_ROLE);
        role("realm_only", docsRole(List.of("indices:data/read/realm/search"), null, null, null));
        role("realm_dls", docsRole(READ_ACTIONS, "{\"term\":{\"level\":\"public\"}}", null, null));
        role("realm_fls_text", docsRole(READ_ACTIONS, null, List.of("~text"), null));
        role(
            "realm_fls_rule",
            docsRole(READ_ACTIONS, null, List.of("~text", "~realm_passages"), null)
        );
        role("realm_fls_level", docsRole(READ_ACTIONS, null, List.of("~level"), null));
        role("realm_masked", docsRole(READ_ACTIONS, null, null, List.of("text")));
        role(
            "realm_create_only",
            obj("index_permissions", List.of(obj("index_patterns", List.of(NEW_INDICES), "allowed_actions", List.of("indices:admin/realm/create", "indices:admin/create"))))
        );
        role(
            "realm_writer",
            obj(
                "cluster_permissions",
                List.of("cluster:admin/ingest/pipeline/put", "cluster:admin/ingest/pipeline/delete"),
                "index_permissions",
                List.of(obj("index_patterns", List.of(NEW_INDICES), "allowed_actions", List.of("indices:admin/realm/create", "indices:admin/create", "write")))
            )
        );
        role("realm_no_answer", docsRole(List.of("indices:data/read/realm/search", "indices:data/read/search"), null, null, null));
        role("search_only", docsRole(List.of("indices:data/read/search"), null, null, null));
        role("unrelated_reader", obj("index_permissions", List.of(obj("index_patterns", List.of("unrelated*"), "allowed_actions", List.of("read")))));
        for (String role : List.of("realm_user", "realm_only", "realm_dls", "realm_fls_text", "realm_fls_rule", "realm_fls_level", "realm_masked", "realm_create_only", "realm_writer", "realm_no_answer", "search_only", "unrelated_reader")) {
            Response created = client().performRequest(
                request("PUT", "/_plugins/_security/api/internalusers/" + role, json(obj("password", PASSWORD, "opendistro_security_roles", List.of(role))))
            );
            assertThat(created.getStatusLine().getStatusCode(), oneOf(200, 201));
        }
        client().performRequest(
            request("PUT", "/_search/pipeline/" + ANSWERS_PIPELINE, json(obj("response_processors", List.of(obj("realm_answers", obj("k", 10))))))
        );
        fixturesReady = true;
    }

    private static void role(String name, Map<String, Object> role) throws IOException {
        Response response = client().performRequest(request("PUT", "/_plugins/_security/api/roles/" + name, json(role)));
        assertThat(response.getStatusLine().getStatusCode(), oneOf(200, 201));
    }

    /** A role on {@link #DOCS} with these actions and, when not null, a DLS query, FLS rules and masked fields. */
    private static Map<String, Object> docsRole(List<String> actions, String dls, List<String> fls, List<String> masked) {
        Map<String, Object> permission = obj("index_patterns", List.of(DOCS), "allowed_actions", actions);
        if (dls != null) {
            permission.put("dls", dls);
        }
        if (fls != null) {
            permission.put("fls", fls);
        }
        if (masked != null) {
            permission.put("masked_fields", masked);
        }
        return obj("cluster_permissions", List.of(), "index_permissions", List.of(permission));
    }

    // --- requests as a user ------------------------------------------------------------------------------------------

    private static Map<String, Object> realmAs(String user, String index, Map<String, Object> body) throws IOException {
        Request request = request("POST", "/" + index + "/_realm", json(body));
        request.setOptions(as(user));
        Response response = client().performRequest(request);
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    private static ResponseException deniedTo(String user, Request request) {
        request.setOptions(as(user));
        ResponseException e = errorFor(request);
        assertEquals("status of " + request + " as " + user + ": " + e.getMessage(), 403, e.getResponse().getStatusLine().getStatusCode());
        return e;
    }

    private static Request realmRequest(String index, Map<String, Object> body) throws IOException {
        return request("POST", "/" + index + "/_realm", json(body));
    }

    /** The document ids that a {@code _search} as the user returns (all of them, on these small indices). */
    @SuppressWarnings("unchecked")
    private static Set<String> searchableIds(String user, String index) throws IOException {
        Request request = request("POST", "/" + index + "/_search", json(obj("size", 100)));
        request.setOptions(as(user));
        Map<String, Object> hits = (Map<String, Object>) entityAsMap(client().performRequest(request)).get("hits");
        return ((List<Map<String, Object>>) hits.get("hits")).stream().map(h -> (String) h.get("_id")).collect(Collectors.toSet());
    }

    /** Every document id a {@code _realm} answer refers to: its passages, its answers' passages, its reading. */
    @SuppressWarnings("unchecked")
    private static Set<String> referencedIds(Map<String, Object> response) {
        Set<String> ids = idsOf(passages(response));
        for (String key : List.of("answers", "reading")) {
            for (Map<String, Object> item : (List<Map<String, Object>>) response.getOrDefault(key, List.of())) {
                ids.add((String) item.get("_id"));
                for (Map<String, Object> where : (List<Map<String, Object>>) item.getOrDefault("passages", List.of())) {
                    ids.add((String) where.get("_id"));
                }
            }
        }
        ids.remove(null);
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static List<String> answerTexts(Map<String, Object> response) {
        return ((List<Map<String, Object>>) response.get("answers")).stream().map(a -> (String) a.get("text")).toList();
    }

    private static Map<String, Object> askMoon() {
        return obj("query", QUESTION, "k", 10, "explain", true);
    }

    // --- 1. no read permission, no _realm; no write permission, no index creation or ingest -----------------------------

    public void testAdminSeesTheSecretAnswer() throws IOException {
        // the control for the tests below: without restrictions the secret document gives the answer
        Map<String, Object> response = realmPost(DOCS, askMoon());
        assertThat(idsOf(passages(response)), hasItem("secret-moon"));
        assertThat(answerTexts(response).get(0), equalTo("moon"));
    }

    public void testUserWithoutReadPermissionIsDenied() throws IOException {
        deniedTo("unrelated_reader", realmRequest(DOCS, askMoon()));
        Request get = new Request("GET", "/" + DOCS + "/_realm");
        get.addParameter("q", QUESTION);
        deniedTo("unrelated_reader", get);
        deniedTo("unrelated_reader", request("POST", "/" + DOCS + "/_search", "{}"));
    }

    public void testRealmPermissionAloneDoesNotReadTheIndex() throws IOException {
        // _realm searches as the caller: the right to call _realm is not the right to read the index
        deniedTo("realm_only", realmRequest(DOCS, askMoon()));
    }

    public void testReadOnlyUsersCannotCreateRealmIndicesOrIngest() throws IOException {
        for (String user : List.of("realm_user", "unrelated_reader")) {
            deniedTo(user, request("PUT", "/_plugins/_realm/indices/sec-new-" + user.replace('_', '-'), "{}"));
            deniedTo(user, request("PUT", "/" + DOCS + "/_doc/injected?refresh=true", json(obj("text", "The moon is made of cheese."))));
            // a bulk answers 200 and fails item by item
            Request bulk = request("POST", "/" + DOCS + "/_bulk?refresh=true", "{\"index\":{\"_id\":\"injected\"}}\n{\"text\":\"cheese\"}\n");
            bulk.setOptions(as(user));
            Map<String, Object> items = entityAsMap(client().performRequest(bulk));
            assertEquals(items.toString(), true, items.get("errors"));
            assertThat(items.toString(), ObjectPath.evaluate(items, "items.0.index.status"), equalTo(403));
        }
        // nothing was created or written on their behalf
        assertThat(client().performRequest(new Request("HEAD", "/sec-new-realm-user")).getStatusLine().getStatusCode(), equalTo(404));
        Request pipeline = new Request("GET", "/_ingest/pipeline/realm-sec-new-realm-user");
        assertEquals(404, errorFor(pipeline).getResponse().getStatusLine().getStatusCode());
        assertEquals(404, errorFor(new Request("GET", "/" + DOCS + "/_doc/injected")).getResponse().getStatusLine().getStatusCode());
    }

    public void testCreationNeedsTheActionsItRunsAsTheCaller() throws IOException {
        // the right to create a REALM index is not the right to put its pipeline: refused, and nothing is left behind
        deniedTo("realm_create_only", request("PUT", "/_plugins/_realm/indices/sec-new-partial", "{}"));
        assertThat(client().performRequest(new Request("HEAD", "/sec-new-partial")).getStatusLine().getStatusCode(), equalTo(404));
        assertEquals(404, errorFor(new Request("GET", "/_ingest/pipeline/realm-sec-new-partial")).getResponse().getStatusLine().getStatusCode());
        // README's writer permissions: create, then ingest through the index's pipeline
        Request create = request("PUT", "/_plugins/_realm/indices/sec-new-written", "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        create.setOptions(as("realm_writer"));
        assertEquals(200, client().performRequest(create).getStatusLine().getStatusCode());
        Request ingest = request("PUT", "/sec-new-written/_doc/written?refresh=true", json(obj("text", "A written note about the moon.")));
        ingest.setOptions(as("realm_writer"));
        assertEquals(201, client().performRequest(ingest).getStatusLine().getStatusCode());
        assertThat(idsOf(passages(realmPost("sec-new-written", obj("query", QUESTION, "read", false)))), equalTo(Set.of("written")));
    }

    public void testRealmUserReadsItsIndex() throws IOException {
        Map<String, Object> response = realmAs("realm_user", DOCS, askMoon());
        assertThat(idsOf(passages(response)), equalTo(searchableIds("realm_user", DOCS)));
        assertThat(answerTexts(response).get(0), equalTo("moon"));
    }

    // --- 2. document- and field-level security --------------------------------------------------------------------------

    public void testDocumentLevelSecurityHidesPassagesAndAnswers() throws IOException {
        Set<String> visible = searchableIds("realm_dls", DOCS);
        assertThat(visible, equalTo(Set.of("public-dog", "public-tree")));
        Map<String, Object> response = realmAs("realm_dls", DOCS, askMoon());
        assertThat(passages(response), not(empty()));
        assertThat(referencedIds(response), everyItem(oneOf(visible.toArray())));
        for (String answer : answerTexts(response)) {
            assertFalse("answer [" + answer + "] comes from the hidden document", answer.contains("moon"));
        }
        // a filter that asks for the hidden document finds nothing
        Map<String, Object> filtered = realmAs("realm_dls", DOCS, obj("query", QUESTION, "k", 10, "filter", obj("term", obj("level", "secret"))));
        assertThat(passages(filtered), empty());
        assertThat(answerTexts(filtered), empty());
    }

    public void testHiddenSourceFieldHidesItsPassages() throws IOException {
        // FLS hides [text] but not its copies in realm_passages: _realm must still not show them
        Map<String, Object> response = realmAs("realm_fls_text", DOCS, askMoon());
        assertThat(passages(response), empty());
        assertThat(answerTexts(response), empty());
        assertFalse(response.toString(), response.toString().contains("moon is over"));
    }

    public void testDocumentedFieldRuleHidesTheSourceEverywhere() throws IOException {
        // README's rule: hide realm_passages wherever the source field is hidden; then _search shows no copy either
        Request search = request("POST", "/" + DOCS + "/_search", json(obj("size", 100)));
        search.setOptions(as("realm_fls_rule"));
        String searched = entityAsMap(client().performRequest(search)).toString();
        assertFalse(searched, searched.contains(SECRET_TEXT));
        assertFalse(searched, searched.contains("realm_passages"));
        Map<String, Object> response = realmAs("realm_fls_rule", DOCS, askMoon());
        assertThat(passages(response), empty());
        assertFalse(response.toString(), response.toString().contains("moon is over"));
    }

    public void testMaskedSourceFieldHidesItsPassages() throws IOException {
        Map<String, Object> response = realmAs("realm_masked", DOCS, askMoon());
        assertThat(passages(response), empty());
        assertFalse(response.toString(), response.toString().contains("moon is over"));
    }

    /** BM25 and hybrid retrieval go through the same search as the caller and the same source-field check as dense. */
    public void testEveryRetrievalModeKeepsDocumentAndFieldSecurity() throws IOException {
        Set<String> visible = searchableIds("realm_dls", DOCS);
        for (String mode : List.of("bm25", "hybrid")) {
            Map<String, Object> ask = new HashMap<>(askMoon());
            ask.put("retrieval", mode);
            Map<String, Object> dls = realmAs("realm_dls", DOCS, ask);
            assertThat(mode, passages(dls), not(empty()));
            assertThat(mode, referencedIds(dls), everyItem(oneOf(visible.toArray())));
            assertFalse(mode + ": " + dls, dls.toString().contains("moon is over"));
            for (String role : List.of("realm_fls_text", "realm_masked")) {
                Map<String, Object> hidden = realmAs(role, DOCS, ask);
                assertThat(mode + " as " + role, passages(hidden), empty());
                assertFalse(mode + " as " + role + ": " + hidden, hidden.toString().contains("moon is over"));
            }
            assertThat(mode, idsOf(passages(realmAs("realm_fls_level", DOCS, ask))), hasItem("secret-moon"));
        }
    }

    public void testFieldRulesOnOtherFieldsKeepThePassages() throws IOException {
        Map<String, Object> response = realmAs("realm_fls_level", DOCS, askMoon());
        assertThat(idsOf(passages(response)), equalTo(Set.of("secret-moon", "public-dog", "public-tree")));
        assertThat(answerTexts(response).get(0), equalTo("moon"));
    }

    // --- 3. no way out of the permitted index ---------------------------------------------------------------------------

    public void testOtherIndexAliasesAndWildcardsAreDenied() throws IOException {
        deniedTo("realm_user", realmRequest(OTHER, askMoon()));
        deniedTo("realm_user", realmRequest(DOCS + "," + OTHER, askMoon()));
        deniedTo("realm_user", realmRequest(OTHER_ALIAS, askMoon()));
        deniedTo("realm_user", realmRequest(BOTH_ALIAS, askMoon()));
        // the demo configuration's default, do_not_fail_on_forbidden: false, refuses a wildcard that covers a forbidden index
        for (String wildcard : List.of("sec-*", "*", "_all", "sec-oth*")) {
            deniedTo("realm_user", realmRequest(wildcard, askMoon()));
        }
    }

    public void testWildcardsReachOnlyPermittedIndicesWhenForbiddenOnesAreSkipped() throws IOException {
        setDoNotFailOnForbidden(true);
        try {
            Set<String> permitted = searchableIds("realm_user", DOCS);
            for (String wildcard : List.of("sec-*", "*", "_all", DOCS + ",sec-oth*")) {
                Map<String, Object> response = realmAs("realm_user", wildcard, askMoon());
                assertThat(wildcard, idsOf(passages(response)), equalTo(permitted));
                assertThat(wildcard, referencedIds(response), everyItem(oneOf(permitted.toArray())));
            }
            // a wildcard that covers only forbidden indices is refused, as by _search
            deniedTo("realm_user", request("POST", "/sec-oth*/_search", "{}"));
            deniedTo("realm_user", realmRequest("sec-oth*", askMoon()));
            // naming a forbidden index or alias is still refused
            deniedTo("realm_user", realmRequest(OTHER, askMoon()));
            deniedTo("realm_user", realmRequest(OTHER_ALIAS, askMoon()));
        } finally {
            setDoNotFailOnForbidden(false);
        }
    }

    private static void setDoNotFailOnForbidden(boolean skip) throws IOException {
        String patch = json(List.of(obj("op", "add", "path", "/config/dynamic/do_not_fail_on_forbidden", "value", skip)));
        Response response = client().performRequest(request("PATCH", "/_plugins/_security/api/securityconfig", patch));
        assertEquals(200, response.getStatusLine().getStatusCode());
    }

    public void testFiltersCannotReadAnotherIndex() throws IOException {
        // a terms lookup reads a document of another index
        Map<String, Object> lookup = obj("terms", obj("_id", obj("index", LOOKUP, "id", "ids", "path", "ids")));
        deniedTo("realm_user", realmRequest(DOCS, obj("query", QUESTION, "k", 10, "filter", lookup)));
        // as for _search
        deniedTo("realm_user", request("POST", "/" + DOCS + "/_search", json(obj("query", lookup))));
        // the control: with the right to read the lookup index, the filter works
        Map<String, Object> allowed = realmPost(DOCS, obj("query", QUESTION, "k", 10, "read", false, "filter", lookup));
        assertThat(idsOf(passages(allowed)), equalTo(Set.of("secret-moon")));
    }

    // --- 4. the same through _search: the realm query and the realm_answers processor ------------------------------------

    /** A {@code _search} on {@link #DOCS} as the user (null: admin), through {@link #ANSWERS_PIPELINE}. */
    private static Map<String, Object> searchAs(String user, Map<String, Object> body) throws IOException {
        Request request = request("POST", "/" + DOCS + "/_search?search_pipeline=" + ANSWERS_PIPELINE, json(body));
        if (user != null) {
            request.setOptions(as(user));
        }
        Response response = client().performRequest(request);
        assertEquals(200, response.getStatusLine().getStatusCode());
        return entityAsMap(response);
    }

    private static Map<String, Object> realmQuery(String retrieval) {
        return obj("size", 10, "query", obj("realm", obj("query", QUESTION, "k", 10, "retrieval", retrieval)));
    }

    /** Every way the processor finds its question and passages: the realm clause, a match query, ext.realm.question. */
    private static List<Map<String, Object>> searchesForTheMoon() {
        return List.of(
            realmQuery("dense"),
            realmQuery("bm25"),
            realmQuery("hybrid"),
            obj("size", 10, "query", obj("bool", obj("must", List.of(obj("match", obj("text", QUESTION))), "filter", List.of(obj("match_all", obj()))))),
            obj("size", 10, "query", obj("match_all", obj()), "ext", obj("realm", obj("question", QUESTION, "k", 10)))
        );
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hitsOf(Map<String, Object> response) {
        return (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits");
    }

    /** {@code ext.realm} of a search response, or an empty map. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> realmExt(Map<String, Object> response) {
        Map<String, Object> ext = (Map<String, Object>) response.getOrDefault("ext", Map.of());
        return (Map<String, Object>) ext.getOrDefault("realm", Map.of());
    }

    /** What the processor added (the answers, the hits' highlights) and the hits' inner hits of passages. */
    private static String answeredParts(Map<String, Object> response) {
        StringBuilder parts = new StringBuilder(String.valueOf(realmExt(response).get("answers")));
        for (Map<String, Object> hit : hitsOf(response)) {
            parts.append(hit.getOrDefault("highlight", "")).append(hit.getOrDefault("inner_hits", ""));
        }
        return parts.toString();
    }

    /** The documents that the answers of {@code ext.realm} were read in. */
    @SuppressWarnings("unchecked")
    private static Set<String> answerIds(Map<String, Object> response) {
        return ((List<Map<String, Object>>) realmExt(response).getOrDefault("answers", List.of())).stream()
            .flatMap(a -> ((List<Map<String, Object>>) a.get("passages")).stream())
            .map(where -> (String) where.get("_id"))
            .collect(Collectors.toSet());
    }

    public void testSearchAsAdminFindsTheSecretAnswer() throws IOException {
        // the control of the tests below
        for (Map<String, Object> search : searchesForTheMoon()) {
            Map<String, Object> response = searchAs(null, search);
            assertThat(search.toString(), answerIds(response), hasItem("secret-moon"));
            assertThat(search.toString(), answerTexts(realmExt(response)).get(0), equalTo("moon"));
            assertTrue(search + ": " + response, answeredParts(response).contains("<em>moon</em>"));
        }
    }

    public void testSearchKeepsDocumentLevelSecurity() throws IOException {
        Set<String> visible = searchableIds("realm_dls", DOCS);
        for (Map<String, Object> search : searchesForTheMoon()) {
            Map<String, Object> response = searchAs("realm_dls", search);
            Set<String> hits = hitsOf(response).stream().map(h -> (String) h.get("_id")).collect(Collectors.toSet());
            assertThat(search.toString(), hits, everyItem(oneOf(visible.toArray())));
            assertThat(search.toString(), answerIds(response), everyItem(oneOf(visible.toArray())));
            assertFalse(search + ": " + response, response.toString().contains("moon is over"));
            assertFalse(search + ": " + response, answeredParts(response).contains("moon"));
        }
    }

    public void testSearchKeepsFieldLevelSecurityAndMasking() throws IOException {
        for (String user : List.of("realm_fls_text", "realm_fls_rule", "realm_masked")) {
            for (Map<String, Object> search : searchesForTheMoon()) {
                // the hits' own _source is what _search shows this role (see README: hide realm_passages too);
                // what the plugin adds never holds the hidden text
                Map<String, Object> response = searchAs(user, search);
                assertFalse(user + ", " + search + ": " + response, answeredParts(response).contains("moon"));
                assertThat(user + ", " + search, answerTexts(realmExt(response)), not(hasItem("moon")));
            }
        }
        Map<String, Object> otherField = searchAs("realm_fls_level", realmQuery("hybrid"));
        assertThat(answerTexts(realmExt(otherField)).get(0), equalTo("moon"));
    }

    public void testSearchPathsNeedTheirPermissions() throws IOException {
        Map<String, Object> ask = realmQuery("dense");
        // the realm query runs _realm as the caller: the right to search is not the right to ask
        deniedTo("search_only", request("POST", "/" + DOCS + "/_search", json(ask)));
        deniedTo("unrelated_reader", request("POST", "/" + DOCS + "/_search", json(ask)));
        for (String index : List.of(OTHER, OTHER_ALIAS, BOTH_ALIAS, "sec-*")) {
            deniedTo("realm_user", request("POST", "/" + index + "/_search", json(ask)));
        }
        // retrieval without reading needs no more; reading answers in _search needs indices:data/read/realm/answer
        Request retrieveOnly = request("POST", "/" + DOCS + "/_search", json(ask));
        retrieveOnly.setOptions(as("realm_no_answer"));
        assertThat(hitsOf(entityAsMap(client().performRequest(retrieveOnly))).get(0).get("_id"), equalTo("secret-moon"));
        ResponseException noAnswer = deniedTo("realm_no_answer", request("POST", "/" + DOCS + "/_search?search_pipeline=" + ANSWERS_PIPELINE, json(ask)));
        assertThat(noAnswer.getMessage(), containsString("indices:data/read/realm/answer"));
        assertThat(answerTexts(realmExt(searchAs("realm_user", ask))).get(0), equalTo("moon"));
    }
}
