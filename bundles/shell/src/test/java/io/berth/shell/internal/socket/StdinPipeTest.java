package io.berth.shell.internal.socket;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command's stdin: bytes in order, the client asked once, at most LIMIT bytes held. */
class StdinPipeTest {
    @Test
    void bytesComeOutInOrderAndTheClientIsAskedAtTheFirstRead() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        StdinPipe pipe = new StdinPipe(asked::incrementAndGet);
        pipe.offer(new byte[] {1, 2, 3});
        pipe.offer(new byte[] {(byte) 0xff});
        pipe.end();
        assertThat(asked).hasValue(0);
        byte[] two = new byte[2];
        assertThat(pipe.read(two, 0, 2)).isEqualTo(2);
        assertThat(two).containsExactly(1, 2);
        assertThat(pipe.read()).isEqualTo(3);
        assertThat(pipe.read()).isEqualTo(0xff);
        assertThat(pipe.read()).isEqualTo(-1);
        assertThat(asked).hasValue(1);
    }

    private static CompletableFuture<Void> offerFromAnotherThread(StdinPipe pipe, byte b) {
        return CompletableFuture.runAsync(() -> {
            try {
                pipe.offer(new byte[] {b});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anOfferWaitsWhileLimitBytesWaitUntilTheCommandReadsThem() throws Exception {
        StdinPipe pipe = new StdinPipe(() -> { });
        pipe.offer(new byte[StdinPipe.LIMIT]);
        CompletableFuture<Void> more = offerFromAnotherThread(pipe, (byte) 7);
        assertThatThrownBy(() -> more.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        byte[] chunk = new byte[StdinPipe.LIMIT];
        int read = 0;
        while (read < StdinPipe.LIMIT) {
            read += pipe.read(chunk, 0, chunk.length);
        }
        more.get(10, TimeUnit.SECONDS);
        assertThat(pipe.read()).isEqualTo(7);
    }

    @Test
    void aDiscardedPipeReleasesAWaitingOfferAndDropsWhatComes() throws Exception {
        StdinPipe pipe = new StdinPipe(() -> { });
        pipe.offer(new byte[StdinPipe.LIMIT]);
        CompletableFuture<Void> more = offerFromAnotherThread(pipe, (byte) 7);
        pipe.discard();
        more.get(10, TimeUnit.SECONDS);
        pipe.offer(new byte[] {8});
        pipe.end();
        assertThat(pipe.read()).isEqualTo(-1);
    }
}
