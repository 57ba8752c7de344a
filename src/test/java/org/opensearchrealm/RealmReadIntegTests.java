/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.Strings;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.test.InternalTestCluster;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.transport.TransportChannel;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse;
import org.opensearchrealm.answer.Answer;
import org.opensearchrealm.answer.AnswerPassage;
import org.opensearchrealm.read.ReadAction;
import org.opensearchrealm.read.ReadNodeSelector;
import org.opensearchrealm.read.ReaderError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Where passages are read: on the nodes with the {@code ml} role when there are some, else on the coordinator or on
 * the data node that holds them; a failing, hanging or departing node is replaced once by another eligible node, and
 * when none is left the passages come back with a {@code reader_error}.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, numClientNodes = 0)
public class RealmReadIntegTests extends ReadIntegTestSupport {

    private static final String QUESTION = "Where is the moon tonight?";

    /** One cluster-manager/data/ingest node that coordinates, and two ML nodes (a dynamic role: nothing registers "ml"). */
    private List<String> startMlCluster() throws InterruptedException {
        String data = startFirstNode("cluster_manager", "data", "ingest");
        String ml1 = internalCluster().startNode(roles("ml"));
        String ml2 = internalCluster().startNode(roles("ml"));
        ensureStableCluster(3);
        createRealmIndex(client(data), "kb", PICK, Settings.EMPTY);
        ensureGreen("kb");
        indexDemoDocs(client(data), "kb");
        return List.of(data, ml1, ml2);
    }

    private static void assertMoon(RealmSearchResponse response) {
        assertNull(String.valueOf(response.readerError()), response.readerError());
        Answer top = response.answers().answers().get(0);
        assertEquals("moon", top.text());
        AnswerPassage where = top.passages().get(0);
        assertEquals("moon", where.id());
        assertEquals("moon", MOON.substring(where.start(), where.end()));
    }

    public void testReadsGoToMlNodes() throws Exception {
        List<String> nodes = startMlCluster();
        String data = nodes.get(0);
        Set<String> mlNames = Set.of(nodes.get(1), nodes.get(2));

        List<DiscoveryNode> ml = ReadNodeSelector.mlNodes(clusterService().state().nodes());
        assertEquals(mlNames, ml.stream().map(DiscoveryNode::getName).collect(Collectors.toSet()));
        for (DiscoveryNode node : ml) {
            DiscoveryNodeRole role = node.getRoles().stream().filter(r -> r.roleName().equals("ml")).findFirst().orElseThrow();
            assertTrue("no plugin registers [ml] here: the role is OpenSearch's dynamic role", role.isDynamicRole());
        }

        Client client = client(data);
        Set<String> readers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            RealmSearchResponse response = ask(client, "kb", QUESTION, 3, true);
            assertMoon(response);
            assertEquals(1, response.reading().attempts());
            readers.add(response.reading().node());
            String json = Strings.toString(MediaTypeRegistry.JSON, response);
            assertTrue(json, json.contains("\"node\":\"" + response.reading().node() + "\""));
        }
        assertEquals("reads are spread over both ML nodes", mlNames, readers);
        assertEquals("the data node never reads while there are ML nodes", 0, readsOn(data));
        assertEquals(2, readsOn(nodes.get(1)));
        assertEquals(2, readsOn(nodes.get(2)));
    }

    public void testFailingHangingAndDepartingMlNodes() throws Exception {
        List<String> nodes = startMlCluster();
        String data = nodes.get(0);
        String ml1 = nodes.get(1);
        String ml2 = nodes.get(2);
        Client client = client(data);

        // whichever ML node gets the first read fails it: the read is retried on the other one
        AtomicBoolean failNext = new AtomicBoolean(true);
        List<String> failedOn = new CopyOnWriteArrayList<>();
        for (String ml : List.of(ml1, ml2)) {
            transportOf(ml).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
                if (failNext.compareAndSet(true, false)) {
                    failedOn.add(ml);
                    channel.sendResponse(new IllegalStateException("injected read failure"));
                } else {
                    handler.messageReceived(request, channel, task);
                }
            });
        }
        RealmSearchResponse retried = ask(client, "kb", QUESTION, 3, true);
        assertMoon(retried);
        assertEquals(1, failedOn.size());
        assertEquals(2, retried.reading().attempts());
        assertNotEquals(failedOn.get(0), retried.reading().node());
        transportOf(ml1).clearAllRules();
        transportOf(ml2).clearAllRules();

        // ml1 fails every read: once it failed, it is passed over (plugins.realm.read.failure_cooldown) and ml2 reads
        AtomicInteger failed = new AtomicInteger();
        transportOf(ml1).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
            failed.incrementAndGet();
            channel.sendResponse(new IllegalStateException("injected read failure"));
        });
        long ml2Before = readsOn(ml2);
        for (int i = 0; i < 4; i++) {
            RealmSearchResponse response = ask(client, "kb", QUESTION, 3, false);
            assertMoon(response);
            assertEquals(ml2, response.reading().node());
        }
        assertEquals(4, readsOn(ml2) - ml2Before);
        assertThat("a failed node is not tried first again while it cools down", failed.get(), lessThanOrEqualTo(1));

        // both fail: the passages come back, with the error instead of answers
        transportOf(ml2).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
            channel.sendResponse(new IllegalStateException("injected read failure"));
        });
        RealmSearchResponse failedRead = ask(client, "kb", QUESTION, 3, false);
        assertEquals(3, failedRead.passages().size());
        assertNull(failedRead.answers());
        ReaderError error = failedRead.readerError();
        assertNotNull(error);
        assertEquals(Set.of(ml1, ml2), Set.copyOf(error.nodes()));
        assertEquals(2, error.nodes().size());
        assertTrue(error.reason(), error.reason().contains("injected read failure"));
        assertEquals(500, error.status());
        String json = Strings.toString(MediaTypeRegistry.JSON, failedRead);
        assertTrue(json, json.contains("\"reader_error\":{"));
        assertFalse(json, json.contains("\"answers\""));
        assertTrue(json, json.contains("\"read\":"));

        // from here on, no cooldown: requests alternate between the ML nodes whatever failed before
        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().put("plugins.realm.read.failure_cooldown", "0s")).get();

        // ml2 hangs: after plugins.realm.read.timeout the read is retried on ml1
        transportOf(ml1).clearAllRules();
        transportOf(ml2).clearAllRules();
        List<TransportChannel> held = new CopyOnWriteArrayList<>();
        transportOf(ml2).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> held.add(channel));
        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().put("plugins.realm.read.timeout", "1s")).get();
        for (int i = 0; i < 2; i++) {
            RealmSearchResponse response = ask(client, "kb", QUESTION, 3, false);
            assertMoon(response);
            assertEquals(ml1, response.reading().node());
        }
        assertEquals("one of the two requests tried ml2 first and timed out", 1, held.size());
        for (TransportChannel channel : held) {
            channel.sendResponse(new IllegalStateException("too late"));
        }
        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().putNull("plugins.realm.read.timeout")).get();

        // ml2 leaves while it holds a read: the read is retried on ml1
        CountDownLatch arrived = new CountDownLatch(1);
        transportOf(ml2).clearAllRules();
        transportOf(ml2).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> arrived.countDown());
        PlainActionFuture<RealmSearchResponse> pending = null;
        for (int i = 0; i < 2 && arrived.getCount() > 0; i++) {
            pending = PlainActionFuture.newFuture();
            client.execute(RealmSearchAction.INSTANCE, new RealmSearchRequest(new String[] { "kb" }, QUESTION, 3, null, 3, true, null), pending);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pending.isDone() == false && arrived.await(50, TimeUnit.MILLISECONDS) == false) {
                assertTrue("the read neither finished nor reached ml2", System.nanoTime() < deadline);
            }
        }
        assertEquals("a read reached ml2", 0, arrived.getCount());
        internalCluster().stopRandomNode(InternalTestCluster.nameFilter(ml2));
        RealmSearchResponse afterLeave = pending.actionGet(30, TimeUnit.SECONDS);
        assertMoon(afterLeave);
        assertEquals(ml1, afterLeave.reading().node());
        assertEquals(2, afterLeave.reading().attempts());
        ensureStableCluster(2, data); // the coordinating node has applied the state without ml2 before it is expected gone

        // with ml1 alone and failing, no node is left for the retry
        transportOf(ml1).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
            channel.sendResponse(new IllegalStateException("injected read failure"));
        });
        RealmSearchResponse alone = ask(client, "kb", QUESTION, 3, false);
        assertEquals(List.of(ml1), alone.readerError().nodes());
        assertEquals(3, alone.passages().size());
        transportOf(ml1).clearAllRules();
    }

    public void testFallbackWithoutMlNodes() throws Exception {
        String holder = startFirstNode("cluster_manager", "data", "ingest");
        String coordinator = internalCluster().startNode(roles("data", "ingest"));
        ensureStableCluster(2);
        Client client = client(coordinator);
        createRealmIndex(client, "kb", PICK, Settings.builder().put("index.routing.allocation.require._name", holder).build());
        ensureGreen("kb");
        indexDemoDocs(client, "kb");
        assertTrue(ReadNodeSelector.mlNodes(clusterService().state().nodes()).isEmpty());

        // plugins.realm.read.fallback defaults to coordinator
        RealmSearchResponse onCoordinator = ask(client, "kb", QUESTION, 3, true);
        assertMoon(onCoordinator);
        assertEquals(coordinator, onCoordinator.reading().node());
        assertEquals(1, readsOn(coordinator));
        assertEquals(0, readsOn(holder));

        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().put("plugins.realm.read.fallback", "data_node")).get();
        RealmSearchResponse onDataNode = ask(client, "kb", QUESTION, 3, true);
        assertMoon(onDataNode);
        assertEquals(holder, onDataNode.reading().node());
        assertEquals(1, readsOn(holder));
        assertEquals(1, readsOn(coordinator));

        // the only node that holds the shard fails: no other eligible node, so the passages come with reader_error
        transportOf(holder).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
            channel.sendResponse(new IllegalStateException("injected read failure"));
        });
        RealmSearchResponse failed = ask(client, "kb", QUESTION, 3, false);
        assertEquals(3, failed.passages().size());
        assertEquals(List.of(holder), failed.readerError().nodes());
        transportOf(holder).clearAllRules();

        IllegalArgumentException bad = expectThrows(
            IllegalArgumentException.class,
            () -> client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().put("plugins.realm.read.fallback", "anywhere")).get()
        );
        assertTrue(bad.getMessage(), bad.getMessage().contains("plugins.realm.read.fallback"));
        client.admin().cluster().prepareUpdateSettings().setTransientSettings(Settings.builder().putNull("plugins.realm.read.fallback")).get();
    }
}
