package io.fleet.director.conn;

/**
 * IPVS's TCP connection states and transition table (ip_vs_proto_tcp.c, {@code tcp_states}). A state changes on
 * the flags of each segment seen, by direction: INPUT (client to server, through a NAT director), OUTPUT (server
 * replies through a NAT director) and INPUT_ONLY (DR and TUN, where the director sees only the client side).
 * States are small ints so that they fit the connection table's packed fields.
 */
public final class TcpState
{
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    public static final int COUNT = 11;

    /** Segment directions, as IPVS's {@code state_off}. */
    public static final int DIR_INPUT = 0;
    public static final int DIR_OUTPUT = 1;
    public static final int DIR_INPUT_ONLY = 2;

    /** Events, by IPVS's precedence: RST over SYN over FIN over ACK ({@code tcp_state_idx}). */
    public static final int EVENT_SYN = 0;
    public static final int EVENT_FIN = 1;
    public static final int EVENT_ACK = 2;
    public static final int EVENT_RST = 3;
    public static final int EVENT_NONE = -1;

    /** TCP header flag bits. */
    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_ACK = 0x10;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
        "LISTEN", "SYNACK"};

    private static final int NO = NONE;
    private static final int ES = ESTABLISHED;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int FW = FIN_WAIT;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int LI = LISTEN;
    private static final int SA = SYNACK;

    /** [direction][event][state] -> next state; the columns are NO ES SS SR FW TW CL CW LA LI SA. */
    private static final int[][][] NEXT = {
        { // INPUT
            {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR}, // syn
            {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW}, // fin
            {CL, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES}, // ack
            {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR}, // rst
        },
        { // OUTPUT
            {SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR},
            {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
            {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
            {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
        },
        { // INPUT_ONLY
            {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
            {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
            {CL, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
            {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
        },
    };

    private TcpState()
    {
    }

    /** The event a segment with these flags is, or {@link #EVENT_NONE} for none of RST, SYN, FIN, ACK. */
    public static int event(final int tcpFlags)
    {
        if ((tcpFlags & FLAG_RST) != 0)
        {
            return EVENT_RST;
        }
        if ((tcpFlags & FLAG_SYN) != 0)
        {
            return EVENT_SYN;
        }
        if ((tcpFlags & FLAG_FIN) != 0)
        {
            return EVENT_FIN;
        }
        if ((tcpFlags & FLAG_ACK) != 0)
        {
            return EVENT_ACK;
        }
        return EVENT_NONE;
    }

    /** The next state after a segment with these flags in this direction; unchanged for a flagless segment. */
    public static int next(final int state, final int direction, final int tcpFlags)
    {
        final int event = event(tcpFlags);
        return event == EVENT_NONE ? state : NEXT[direction][event][state];
    }

    public static String name(final int state)
    {
        return state >= 0 && state < COUNT ? NAMES[state] : "UNKNOWN(" + state + ")";
    }
}
