package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free TCP ports on 127.0.0.1. All ports of one request are held open together until every one is
 * chosen, so a single request never hands out the same port twice.
 */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    public static List<Integer> free(int count) {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            List<Integer> ports = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new ClusterException("Could not find " + count + " free loopback ports: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that never accepted cannot lose anything.
                }
            }
        }
    }
}
