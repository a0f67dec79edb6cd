package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** basic.get as a test playing the queue's thread asks it. */
final class Gets {
    private Gets() {
    }

    /**
     * The answer to a get, which must come at once: the queue is asked on its own thread and has nothing being
     * read back from disk.
     */
    static Delivery now(Queue q, boolean noAck) {
        Delivery[] got = new Delivery[1];
        boolean[] answered = new boolean[1];
        q.get(noAck, d -> {
            got[0] = d;
            answered[0] = true;
        });
        assertTrue(answered[0], "basic.get on " + q + " was not answered at once");
        return got[0];
    }
}
