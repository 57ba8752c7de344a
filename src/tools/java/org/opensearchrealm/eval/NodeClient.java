/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.opensearchrealm.eval.EvalLog.abbreviate;

/** A JSON-over-HTTP client for one node: no proxy, HTTP/1.1 keep-alive, 429 retried with backoff. Thread-safe. */
final class NodeClient {

    record Response(int status, String body) {
        Map<String, Object> json() {
            return body.isEmpty() ? Map.of() : Json.read(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    private final String base;

    NodeClient(String url) {
        String u = url.contains("://") ? url : "http://" + url;
        this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** A request whose status must be one of ok; its JSON body. */
    Map<String, Object> request(String method, String path, Object body, int... ok) {
        Response r = call(method, path, body);
        for (int s : ok) {
            if (r.status() == s) {
                return r.json();
            }
        }
        throw new EvalException(method + " " + path + " -> HTTP " + r.status() + ": " + reason(r.body()));
    }

    /** Any status; a Map body is sent as JSON, a String as NDJSON. */
    Response call(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
        String type = "application/json";
        try {
            if (body instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, ?> map = (Map<String, ?>) m;
                publisher = HttpRequest.BodyPublishers.ofString(Json.write(map, false), StandardCharsets.UTF_8);
            } else if (body instanceof String s) {
                publisher = HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
                type = "application/x-ndjson";
            }
        } catch (IOException e) {
            throw new EvalException("cannot serialise a request: " + e);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", type)
            .method(method, publisher)
            .build();
        long backoff = 250;
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> resp;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException e) {
                throw new EvalException("no node answers on " + base + " (" + e + ")");
            } catch (IOException e) {
                if (attempt < 2) {
                    continue; // a keep-alive connection the node closed: requests here are idempotent
                }
                throw new EvalException(method + " " + path + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvalException("interrupted");
            }
            if (resp.statusCode() == 429 && attempt < 12) {
                sleep(backoff); // the node's inference queue is full: wait and retry
                backoff = Math.min(10_000, backoff * 2);
                continue;
            }
            return new Response(resp.statusCode(), resp.body());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvalException("interrupted");
        }
    }

    @SuppressWarnings("unchecked")
    private static String reason(String body) {
        try {
            Object err = Json.read(body).get("error");
            if (err instanceof Map<?, ?> m) {
                List<Object> root = (List<Object>) m.get("root_cause");
                Map<String, Object> first = root == null || root.isEmpty() ? (Map<String, Object>) m : (Map<String, Object>) root.get(0);
                return first.get("type") + ": " + first.get("reason");
            }
            if (err != null) {
                return String.valueOf(err);
            }
        } catch (RuntimeException e) {
            // not JSON
        }
        return abbreviate(body, 600);
    }
}
