package io.lenswire.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class AssignmentTest {

    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");

    private static List<String> cameras(int n) {
        return IntStream.range(0, n).mapToObj(i -> "cam" + i).toList();
    }

    private static Map<String, Long> load(Map<String, String> plan) {
        return plan.values().stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }

    @Test
    void everyCameraGetsOneLiveNodeAndNoNodeMoreThanItsShare() {
        for (int cameras = 1; cameras <= 40; cameras++) {
            Map<String, String> plan = Assignment.plan(cameras(cameras), NODES, Map.of());
            assertThat(plan.keySet()).containsExactlyInAnyOrderElementsOf(cameras(cameras));
            assertThat(plan.values()).allMatch(NODES::contains);
            int bound = (cameras + 2) / 3;
            assertThat(load(plan).values()).as("%d cameras", cameras).allMatch(l -> l <= bound);
        }
    }

    @Test
    void nodesThatSeeTheSameInputsComputeTheSamePlanWhateverTheOrder() {
        List<String> cameras = new ArrayList<>(cameras(25));
        List<String> nodes = new ArrayList<>(NODES);
        Map<String, String> first = Assignment.plan(cameras, nodes, Map.of("cam3", "node-b"));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(cameras, random);
            Collections.shuffle(nodes, random);
            assertThat(Assignment.plan(cameras, nodes, new HashMap<>(Map.of("cam3", "node-b")))).isEqualTo(first);
        }
    }

    @Test
    void aCameraStaysWithItsLiveOwner() {
        Map<String, String> settled = Assignment.plan(cameras(9), NODES, Map.of());
        assertThat(Assignment.plan(cameras(9), NODES, settled)).isEqualTo(settled);
        // an owner the hash would not pick keeps its camera while it has room
        String camera = "cam0";
        String other = NODES.stream().filter(n -> !n.equals(settled.get(camera))).findFirst().orElseThrow();
        Map<String, String> owners = new HashMap<>(settled);
        owners.put(camera, other);
        assertThat(Assignment.plan(cameras(9), NODES, owners).get(camera)).isEqualTo(other);
    }

    @Test
    void whenANodeDiesOnlyItsCamerasMove() {
        Map<String, String> settled = Assignment.plan(cameras(9), NODES, Map.of());
        String dead = "node-b";
        Map<String, String> after = Assignment.plan(cameras(9), List.of("node-a", "node-c"), settled);
        settled.forEach((camera, owner) -> {
            if (owner.equals(dead)) {
                assertThat(after.get(camera)).isIn("node-a", "node-c");
            } else {
                assertThat(after.get(camera)).as(camera).isEqualTo(owner);
            }
        });
        assertThat(load(after).values()).allMatch(l -> l <= 5);
    }

    @Test
    void aNodeThatJoinsTakesItsShareAndNoMore() {
        Map<String, String> alone = Assignment.plan(cameras(9), List.of("node-a"), Map.of());
        assertThat(load(alone)).containsEntry("node-a", 9L);
        Map<String, String> two = Assignment.plan(cameras(9), List.of("node-a", "node-b"), alone);
        assertThat(load(two)).containsEntry("node-a", 5L).containsEntry("node-b", 4L);
        Map<String, String> three = Assignment.plan(cameras(9), NODES, two);
        assertThat(load(three)).containsEntry("node-a", 3L).containsEntry("node-b", 3L).containsEntry("node-c", 3L);
        long moved = three.entrySet().stream().filter(e -> !e.getValue().equals(two.get(e.getKey()))).count();
        assertThat(moved).as("only the new node's share moves").isEqualTo(3);
    }

    @Test
    void noNodeNoPlanAndOwnersOfDeadNodesAreIgnored() {
        assertThat(Assignment.plan(cameras(3), List.of(), Map.of())).isEmpty();
        Map<String, String> plan = Assignment.plan(cameras(3), List.of("node-a"), Map.of("cam1", "node-gone"));
        assertThat(plan).containsOnly(Map.entry("cam0", "node-a"), Map.entry("cam1", "node-a"), Map.entry("cam2", "node-a"));
    }
}
