/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearchrealm.action.RealmSearchResponse;
import org.opensearchrealm.read.ReadNodeSelector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * This plugin installed beside one that registers the {@code ml} role itself, the way ml-commons does (a role named
 * and abbreviated {@code ml} that holds no data and has no legacy setting): the nodes start, and nodes with that
 * registered role are the ML nodes that read.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, numClientNodes = 0)
public class RealmMlRolePluginIntegTests extends ReadIntegTestSupport {

    /** Registers the role named "ml" as ml-commons does. */
    public static class MlRolePlugin extends Plugin {
        static final DiscoveryNodeRole ML_ROLE = new DiscoveryNodeRole("ml", "ml") {
            @Override
            public Setting<Boolean> legacySetting() {
                return null;
            }
        };

        @Override
        public Set<DiscoveryNodeRole> getRoles() {
            return Set.of(ML_ROLE);
        }
    }

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>(super.nodePlugins());
        plugins.add(MlRolePlugin.class);
        return plugins;
    }

    public void testMlRoleRegisteredByAnotherPlugin() throws Exception {
        String data = startFirstNode("cluster_manager", "data", "ingest");
        String ml = internalCluster().startNode(roles("data", "ml"));
        ensureStableCluster(2);

        List<DiscoveryNode> mlNodes = ReadNodeSelector.mlNodes(clusterService().state().nodes());
        assertEquals(List.of(ml), mlNodes.stream().map(DiscoveryNode::getName).toList());
        DiscoveryNodeRole role = mlNodes.get(0).getRoles().stream().filter(r -> r.roleName().equals("ml")).findFirst().orElseThrow();
        assertFalse("the role is the registered one, not a dynamic role", role.isDynamicRole());
        assertTrue(role.isKnownRole());
        assertEquals(MlRolePlugin.ML_ROLE, role);

        createRealmIndex(client(data), "kb", PICK, Settings.builder().put("index.routing.allocation.require._name", data).build());
        ensureGreen("kb");
        indexDemoDocs(client(data), "kb");
        RealmSearchResponse response = ask(client(data), "kb", "Where is the moon tonight?", 3, true);
        assertEquals("moon", response.answers().answers().get(0).text());
        assertEquals(ml, response.reading().node());
        assertEquals(1, readsOn(ml));
        assertEquals(0, readsOn(data));
    }
}
