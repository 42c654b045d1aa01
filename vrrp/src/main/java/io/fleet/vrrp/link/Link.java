package io.fleet.vrrp.link;

/**
 * The one network port {@code vrrp} talks through, implemented by the director with its ports (pcap, VXLAN, memory).
 * It sends whole Ethernet frames and delivers received ARP, IPv6 neighbour-discovery and IP protocol 112 (VRRP)
 * frames to the {@link FrameReceiver}; {@link Frames#classify} tells a port which frames those are.
 * <p>
 * {@link #send} may be called from the vrrp thread and from the thread that calls the receiver (ARP replies are sent
 * from there, without a hop), so it must be safe for both. The frame is only read during the call.
 */
public interface Link
{
    /** The port's own MAC address, six bytes. */
    byte[] macAddress();

    /** True while the port's link is up (carrier and administratively up). */
    boolean isUp();

    /** Sends the first {@code length} bytes of {@code frame}, an Ethernet frame without FCS. */
    void send(byte[] frame, int length);

    /** Sets who gets received frames; one receiver per link, replacing any earlier one. */
    void receiver(FrameReceiver receiver);
}
