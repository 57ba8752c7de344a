/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.OpenSearchException;
import org.opensearch.core.rest.RestStatus;

import java.util.Objects;

/**
 * Any failure of the model runtime: an unknown model (404), an unusable descriptor or input (400), a model that cannot
 * be loaded or run (500). Everything the deep-learning libraries throw, {@link Error}s included, is converted to this
 * exception at the boundary of the model package, so that nothing escapes as an {@code Error} and kills the node.
 *
 * <p>The class is not registered with {@link OpenSearchException}'s serialisation registry: sent to another node it
 * travels as a {@code NotSerializableExceptionWrapper}, which keeps the message and the HTTP status.
 */
public class ModelException extends OpenSearchException {

    private final RestStatus status;

    public ModelException(RestStatus status, String message) {
        this(status, message, null);
    }

    public ModelException(RestStatus status, String message, Throwable cause) {
        // no format arguments: a message that contains "{}" (e.g. a file name or user text) is kept verbatim
        super(message, cause, (Object[]) null);
        this.status = Objects.requireNonNull(status);
    }

    /** 404: no model with this id. */
    public static ModelException unknownModel(String id) {
        return new ModelException(RestStatus.NOT_FOUND, "unknown model [" + id + "]");
    }

    /** 400: the caller's input (or an operator's descriptor) is unusable. */
    public static ModelException badRequest(String message) {
        return new ModelException(RestStatus.BAD_REQUEST, message);
    }

    /** 500: a model failed to load or to run. */
    public static ModelException failed(String message, Throwable cause) {
        return new ModelException(RestStatus.INTERNAL_SERVER_ERROR, message, cause);
    }

    /**
     * Wraps anything thrown by model code into a {@link ModelException}; one that already is one is returned as is.
     *
     * @param what describes what failed, e.g. {@code "model [x] failed to load [dir/model.onnx]"}
     */
    public static ModelException wrap(String what, Throwable t) {
        if (t instanceof ModelException e) {
            return e;
        }
        return failed(what + ": " + describe(t), t);
    }

    /** The throwable's type and message, and those of its causes, on one line. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth < 4; c = c.getCause(), depth++) {
            if (depth > 0) {
                sb.append("; caused by ");
            }
            sb.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    @Override
    public RestStatus status() {
        return status;
    }
}
