package io.fleet.director.health;

import java.util.ArrayList;
import java.util.List;

/**
 * How one real server is checked: the checker and its Keepalived settings. Immutable; built with {@link #builder}
 * whose defaults are Keepalived's ({@code keepalived.conf(5)}): {@code delay_loop} 60 s, {@code connect_timeout}
 * 5 s, {@code retry} 1 (0 for MISC_CHECK), {@code delay_before_retry} 3 s for HTTP_GET and SSL_GET and 1 s
 * otherwise, status codes 200-299, a server up at start unless {@code alpha}, removed on failure unless
 * inhibited. {@code fall} and {@code rise} (consecutive failed or passed rounds before a transition) are Fleet's
 * additions; at 1 they behave as Keepalived does.
 */
public final class CheckSpec
{
    /** Keepalived's {@code delay_loop} default. */
    public static final long DEFAULT_DELAY_LOOP_MS = 60_000;
    /** Keepalived's {@code connect_timeout} default. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    /** How long a notify script may run before it is killed. */
    public static final long DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;
    /** Keepalived's UDP_CHECK {@code max_reply_length} default. */
    public static final int DEFAULT_MAX_REPLY_LENGTH = 255;

    private final CheckType type;
    private final long delayLoopMs;
    private final long connectTimeoutMs;
    private final int retry;
    private final long delayBeforeRetryMs;
    private final int fall;
    private final int rise;
    private final boolean alpha;
    private final OnFailure onFailure;
    private final long warmupMs;
    private final String connectIp;
    private final int connectPort;
    private final String path;
    private final int[] statusCodes;
    private final String digest;
    private final String virtualhost;
    private final boolean http10;
    private final byte[] payload;
    private final boolean requireReply;
    private final byte[] replyBytes;
    private final byte[] replyMask;
    private final int minReplyLength;
    private final int maxReplyLength;
    private final List<String> miscCommand;
    private final long miscTimeoutMs;
    private final boolean miscDynamic;
    private final List<String> notifyUp;
    private final List<String> notifyDown;
    private final long notifyTimeoutMs;

    private CheckSpec(final Builder b)
    {
        this.type = b.type;
        this.delayLoopMs = b.delayLoopMs;
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.retry = b.retry >= 0 ? b.retry : (b.type == CheckType.MISC ? 0 : 1);
        this.delayBeforeRetryMs = b.delayBeforeRetryMs >= 0 ? b.delayBeforeRetryMs
            : (b.type == CheckType.HTTP || b.type == CheckType.HTTPS ? 3_000 : 1_000);
        this.fall = b.fall;
        this.rise = b.rise;
        this.alpha = b.alpha;
        this.onFailure = b.onFailure;
        this.warmupMs = b.warmupMs >= 0 ? b.warmupMs : b.delayLoopMs;
        this.connectIp = b.connectIp;
        this.connectPort = b.connectPort;
        this.path = b.path;
        this.statusCodes = b.statusCodes.clone();
        this.digest = b.digest;
        this.virtualhost = b.virtualhost;
        this.http10 = b.http10;
        this.payload = b.payload == null ? null : b.payload.clone();
        this.requireReply = b.requireReply;
        this.replyBytes = b.replyBytes == null ? null : b.replyBytes.clone();
        this.replyMask = b.replyMask == null ? null : b.replyMask.clone();
        this.minReplyLength = b.minReplyLength;
        this.maxReplyLength = b.maxReplyLength;
        this.miscCommand = List.copyOf(b.miscCommand);
        this.miscTimeoutMs = b.miscTimeoutMs > 0 ? b.miscTimeoutMs : b.delayLoopMs;
        this.miscDynamic = b.miscDynamic;
        this.notifyUp = List.copyOf(b.notifyUp);
        this.notifyDown = List.copyOf(b.notifyDown);
        this.notifyTimeoutMs = b.notifyTimeoutMs;
    }

    public static Builder builder(final CheckType type)
    {
        return new Builder(type);
    }

    public CheckType type()
    {
        return type;
    }

    /** Time between two rounds of checks ({@code delay_loop}). */
    public long delayLoopMs()
    {
        return delayLoopMs;
    }

    /** Time one attempt may take: connect, and for HTTP also the whole response; for UDP the wait for a reply. */
    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** Extra attempts within a round when a server that is up fails one. */
    public int retry()
    {
        return retry;
    }

    public long delayBeforeRetryMs()
    {
        return delayBeforeRetryMs;
    }

    /** Consecutive failed rounds that take an up server down. */
    public int fall()
    {
        return fall;
    }

    /** Consecutive passed rounds that bring a down server up. */
    public int rise()
    {
        return rise;
    }

    /** Whether the server starts down and must pass {@code rise} rounds first (Keepalived's {@code alpha}). */
    public boolean alpha()
    {
        return alpha;
    }

    public OnFailure onFailure()
    {
        return onFailure;
    }

    /** The first round starts at a random time within this span, so that checks do not all fire together. */
    public long warmupMs()
    {
        return warmupMs;
    }

    /** Address to check instead of the real server's; null for the real server's. */
    public String connectIp()
    {
        return connectIp;
    }

    /** Port to check instead of the real server's; 0 for the real server's. */
    public int connectPort()
    {
        return connectPort;
    }

    public String path()
    {
        return path;
    }

    /** Whether an HTTP status is one the check accepts. */
    public boolean statusAccepted(final int status)
    {
        for (int i = 0; i < statusCodes.length; i += 2)
        {
            if (status >= statusCodes[i] && status <= statusCodes[i + 1])
            {
                return true;
            }
        }
        return false;
    }

    /** The accepted statuses as text, {@code 200-299 301}. */
    public String statusCodesText()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < statusCodes.length; i += 2)
        {
            if (sb.length() > 0)
            {
                sb.append(' ');
            }
            sb.append(statusCodes[i]);
            if (statusCodes[i + 1] != statusCodes[i])
            {
                sb.append('-').append(statusCodes[i + 1]);
            }
        }
        return sb.toString();
    }

    /** Expected MD5 of the body in lower-case hex, as {@code genhash} prints it; null when not checked. */
    public String digest()
    {
        return digest;
    }

    /** Host header and TLS server name; null for the address. */
    public String virtualhost()
    {
        return virtualhost;
    }

    /** Whether requests are HTTP/1.0 (else HTTP/1.1 with {@code Connection: close}). */
    public boolean http10()
    {
        return http10;
    }

    /** UDP payload; null for a random one. */
    public byte[] payload()
    {
        return payload == null ? null : payload.clone();
    }

    public boolean requireReply()
    {
        return requireReply;
    }

    /** Whether a UDP reply matches: its length is within bounds and it matches the expected bytes where given. */
    public boolean replyMatches(final byte[] reply, final int length)
    {
        if (length < minReplyLength || length > maxReplyLength)
        {
            return false;
        }
        if (replyBytes != null)
        {
            final int n = Math.min(length, replyBytes.length);
            for (int i = 0; i < n; i++)
            {
                if (((reply[i] ^ replyBytes[i]) & replyMask[i]) != 0)
                {
                    return false;
                }
            }
        }
        return true;
    }

    public int minReplyLength()
    {
        return minReplyLength;
    }

    public int maxReplyLength()
    {
        return maxReplyLength;
    }

    /** The MISC_CHECK program and its arguments. */
    public List<String> miscCommand()
    {
        return miscCommand;
    }

    public long miscTimeoutMs()
    {
        return miscTimeoutMs;
    }

    /** Whether exit statuses 2..255 set the weight to status - 2 (Keepalived's {@code misc_dynamic}). */
    public boolean miscDynamic()
    {
        return miscDynamic;
    }

    /** Command run when this director's checks find the server up; empty for none. */
    public List<String> notifyUp()
    {
        return notifyUp;
    }

    public List<String> notifyDown()
    {
        return notifyDown;
    }

    public long notifyTimeoutMs()
    {
        return notifyTimeoutMs;
    }

    @Override
    public String toString()
    {
        return type.keepalivedName() + "{delay-loop " + delayLoopMs + " ms, connect-timeout " + connectTimeoutMs
            + " ms, retry " + retry + ", fall " + fall + ", rise " + rise + "}";
    }

    /** Collects a spec; every setter checks its range so that a bad value never reaches a checker. */
    public static final class Builder
    {
        private final CheckType type;
        private long delayLoopMs = DEFAULT_DELAY_LOOP_MS;
        private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private int retry = -1;
        private long delayBeforeRetryMs = -1;
        private int fall = 1;
        private int rise = 1;
        private boolean alpha;
        private OnFailure onFailure = OnFailure.REMOVE;
        private long warmupMs = -1;
        private String connectIp;
        private int connectPort;
        private String path = "/";
        private int[] statusCodes = {200, 299};
        private String digest;
        private String virtualhost;
        private boolean http10;
        private byte[] payload;
        private boolean requireReply;
        private byte[] replyBytes;
        private byte[] replyMask;
        private int minReplyLength;
        private int maxReplyLength = DEFAULT_MAX_REPLY_LENGTH;
        private final List<String> miscCommand = new ArrayList<>();
        private long miscTimeoutMs;
        private boolean miscDynamic;
        private final List<String> notifyUp = new ArrayList<>();
        private final List<String> notifyDown = new ArrayList<>();
        private long notifyTimeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS;

        private Builder(final CheckType type)
        {
            if (type == null)
            {
                throw new IllegalArgumentException("type is required");
            }
            this.type = type;
        }

        private static long positive(final String name, final long ms)
        {
            if (ms <= 0)
            {
                throw new IllegalArgumentException(name + " must be positive, got " + ms + " ms");
            }
            return ms;
        }

        public Builder delayLoopMs(final long ms)
        {
            this.delayLoopMs = positive("delay-loop", ms);
            return this;
        }

        public Builder connectTimeoutMs(final long ms)
        {
            this.connectTimeoutMs = positive("connect-timeout", ms);
            return this;
        }

        public Builder retry(final int retry)
        {
            if (retry < 0)
            {
                throw new IllegalArgumentException("retry must be 0 or more, got " + retry);
            }
            this.retry = retry;
            return this;
        }

        public Builder delayBeforeRetryMs(final long ms)
        {
            if (ms < 0)
            {
                throw new IllegalArgumentException("delay-before-retry must be 0 or more, got " + ms + " ms");
            }
            this.delayBeforeRetryMs = ms;
            return this;
        }

        public Builder fall(final int fall)
        {
            this.fall = (int)positive("fall", fall);
            return this;
        }

        public Builder rise(final int rise)
        {
            this.rise = (int)positive("rise", rise);
            return this;
        }

        public Builder alpha(final boolean alpha)
        {
            this.alpha = alpha;
            return this;
        }

        public Builder onFailure(final OnFailure onFailure)
        {
            this.onFailure = onFailure;
            return this;
        }

        public Builder warmupMs(final long ms)
        {
            if (ms < 0)
            {
                throw new IllegalArgumentException("warmup must be 0 or more, got " + ms + " ms");
            }
            this.warmupMs = ms;
            return this;
        }

        public Builder connectIp(final String ip)
        {
            this.connectIp = ip;
            return this;
        }

        public Builder connectPort(final int port)
        {
            if (port < 0 || port > 65535)
            {
                throw new IllegalArgumentException("connect-port must be 0..65535, got " + port);
            }
            this.connectPort = port;
            return this;
        }

        public Builder path(final String path)
        {
            if (path == null || !path.startsWith("/"))
            {
                throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
            }
            this.path = path;
            return this;
        }

        /** Accepted statuses as {@code [from, to]} pairs. */
        public Builder statusCodes(final int... fromToPairs)
        {
            if (fromToPairs.length == 0 || fromToPairs.length % 2 != 0)
            {
                throw new IllegalArgumentException("status codes come as from-to pairs");
            }
            for (int i = 0; i < fromToPairs.length; i += 2)
            {
                if (fromToPairs[i] < 100 || fromToPairs[i + 1] > 599 || fromToPairs[i] > fromToPairs[i + 1])
                {
                    throw new IllegalArgumentException("status codes must be 100..599, got " + fromToPairs[i] + "-"
                        + fromToPairs[i + 1]);
                }
            }
            this.statusCodes = fromToPairs.clone();
            return this;
        }

        public Builder digest(final String md5Hex)
        {
            if (md5Hex != null && !md5Hex.matches("[0-9a-fA-F]{32}"))
            {
                throw new IllegalArgumentException("digest must be 32 hex digits (an MD5, as genhash prints), got '"
                    + md5Hex + "'");
            }
            this.digest = md5Hex == null ? null : md5Hex.toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        public Builder virtualhost(final String host)
        {
            this.virtualhost = host;
            return this;
        }

        public Builder http10(final boolean http10)
        {
            this.http10 = http10;
            return this;
        }

        public Builder payload(final byte[] payload)
        {
            this.payload = payload == null ? null : payload.clone();
            return this;
        }

        /** Requires a reply; {@code bytes}/{@code mask} (same length) are what its start must match, or null. */
        public Builder requireReply(final boolean require, final byte[] bytes, final byte[] mask)
        {
            if ((bytes == null) != (mask == null) || bytes != null && bytes.length != mask.length)
            {
                throw new IllegalArgumentException("reply bytes and mask must come together, of one length");
            }
            this.requireReply = require;
            this.replyBytes = bytes == null ? null : bytes.clone();
            this.replyMask = mask == null ? null : mask.clone();
            return this;
        }

        public Builder replyLength(final int min, final int max)
        {
            if (min < 0 || max < min || max > 65507)
            {
                throw new IllegalArgumentException("reply lengths must satisfy 0 <= min <= max <= 65507, got "
                    + min + ".." + max);
            }
            this.minReplyLength = min;
            this.maxReplyLength = max;
            return this;
        }

        public Builder miscCommand(final List<String> command)
        {
            this.miscCommand.clear();
            this.miscCommand.addAll(command);
            return this;
        }

        /** 0 for Keepalived's default, the delay loop. */
        public Builder miscTimeoutMs(final long ms)
        {
            if (ms < 0)
            {
                throw new IllegalArgumentException("misc-timeout must be 0 or more, got " + ms + " ms");
            }
            this.miscTimeoutMs = ms;
            return this;
        }

        public Builder miscDynamic(final boolean dynamic)
        {
            this.miscDynamic = dynamic;
            return this;
        }

        public Builder notifyUp(final List<String> command)
        {
            this.notifyUp.clear();
            this.notifyUp.addAll(command);
            return this;
        }

        public Builder notifyDown(final List<String> command)
        {
            this.notifyDown.clear();
            this.notifyDown.addAll(command);
            return this;
        }

        public Builder notifyTimeoutMs(final long ms)
        {
            this.notifyTimeoutMs = positive("notify-timeout", ms);
            return this;
        }

        public CheckSpec build()
        {
            if (type == CheckType.MISC && miscCommand.isEmpty())
            {
                throw new IllegalArgumentException("misc-path is required for a misc check");
            }
            return new CheckSpec(this);
        }
    }

    static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
