package io.lenswire.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which live node should run each camera: at most {@code ceil(cameras / nodes)} per node, and as
 * few moves as possible. A camera stays with its current owner while that owner is alive and under
 * the bound; the others go, in camera-id order, to the first node with room in the camera's own
 * order of nodes (highest random weight, a hash of node and camera), so two nodes that see the same
 * cameras, nodes and owners compute the same plan without talking to each other.
 *
 * <p>The plan only says which node should compete for a camera's lock; the cluster service still
 * lets exactly one node hold it, so nodes that briefly disagree (one has seen a new node or camera
 * a heartbeat before another) cost a delay, never a second reader.
 */
final class Assignment {

    private Assignment() {
    }

    /** camera id → node id for every camera; empty when there is no node. */
    static Map<String, String> plan(Collection<String> cameraIds, Collection<String> nodeIds, Map<String, String> currentOwners) {
        Map<String, String> plan = new HashMap<>();
        if (nodeIds.isEmpty()) {
            return plan;
        }
        TreeSet<String> cameras = new TreeSet<>(cameraIds);
        List<String> nodes = new ArrayList<>(new TreeSet<>(nodeIds));
        int bound = (cameras.size() + nodes.size() - 1) / nodes.size();
        Map<String, Integer> load = new HashMap<>();
        for (String camera : cameras) {
            String owner = currentOwners.get(camera);
            if (owner != null && nodes.contains(owner) && load.getOrDefault(owner, 0) < bound) {
                plan.put(camera, owner);
                load.merge(owner, 1, Integer::sum);
            }
        }
        for (String camera : cameras) {
            if (plan.containsKey(camera)) {
                continue;
            }
            List<String> ranked = new ArrayList<>(nodes);
            ranked.sort(Comparator.comparingLong((String node) -> weight(node, camera)).reversed().thenComparing(n -> n));
            for (String node : ranked) {
                if (load.getOrDefault(node, 0) < bound) {
                    plan.put(camera, node);
                    load.merge(node, 1, Integer::sum);
                    break;
                }
            }
        }
        return plan;
    }

    static long weight(String node, String camera) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((node + "\n" + camera).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
