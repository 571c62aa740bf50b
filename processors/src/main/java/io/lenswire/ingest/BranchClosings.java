package io.lenswire.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Branch queues about to lose their subscriber. A SEDA consumer only stops once its queue is
 * empty, and ingest would keep filling it; so a branch is closed here first, the fan-out gate stops
 * admitting to it, the queue drains, and the branch route can stop at once.
 */
@Component
public class BranchClosings {

    private final Set<String> closing = ConcurrentHashMap.newKeySet();

    static String key(String branch, String cameraId) {
        return branch + "-" + cameraId;
    }

    public void closing(String branch, String cameraId) {
        closing.add(key(branch, cameraId));
    }

    public void reopened(String branch, String cameraId) {
        closing.remove(key(branch, cameraId));
    }

    boolean isClosing(String queueKey) {
        return closing.contains(queueKey);
    }
}
