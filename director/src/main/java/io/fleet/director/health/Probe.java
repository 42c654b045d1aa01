package io.fleet.director.health;

import io.netty.channel.EventLoop;

import java.util.function.Consumer;

/**
 * One attempt of a checker against one real server. It runs asynchronously on the given event loop, never
 * blocks it, bounds itself by the spec's timeout and calls {@code done} exactly once, on that loop.
 */
interface Probe
{
    void run(EventLoop loop, Consumer<ProbeResult> done);

    /** A {@code done} that only the first call gets through, since a timeout and an answer can race. */
    final class Once implements Consumer<ProbeResult>
    {
        private final Consumer<ProbeResult> done;
        private boolean called;

        Once(final Consumer<ProbeResult> done)
        {
            this.done = done;
        }

        boolean called()
        {
            return called;
        }

        @Override
        public void accept(final ProbeResult result)
        {
            if (!called)
            {
                called = true;
                done.accept(result);
            }
        }
    }
}
