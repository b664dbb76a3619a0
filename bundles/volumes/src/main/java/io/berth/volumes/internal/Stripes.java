package io.berth.volumes.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks by volume name: operations on one volume run one at a time, operations on different
 * volumes mostly in parallel. A fixed set of locks, picked by the name's hash, rather than a lock
 * per name: a per-name lock dropped when its volume is removed could be taken by two threads at
 * once, one holding the old lock and one a new.
 */
final class Stripes {
    private final ReentrantLock[] locks;

    Stripes(int count) {
        locks = new ReentrantLock[count];
        for (int i = 0; i < count; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Holds the lock of a name until closed. */
    Held hold(String name) {
        ReentrantLock lock = locks[Math.floorMod(name.hashCode(), locks.length)];
        lock.lock();
        return lock::unlock;
    }

    /** A lock held; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
