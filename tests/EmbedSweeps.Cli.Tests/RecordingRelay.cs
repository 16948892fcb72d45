using System.Net;
using System.Net.Sockets;

namespace EmbedSweeps.Cli.Tests;

/// <summary>A TCP relay in front of a target endpoint that keeps every byte it passes, each direction apart: what a wire sniffer would see.</summary>
internal sealed class RecordingRelay : IDisposable
{
    private readonly TcpListener listener;
    private readonly MemoryStream sent = new(), received = new();
    private readonly CancellationTokenSource stop = new();
    private readonly IPEndPoint target;

    /// <param name="listen">Where the relay listens (port 0: any free port).</param>
    public RecordingRelay(IPEndPoint listen, IPEndPoint target)
    {
        this.target = target;
        listener = new TcpListener(listen);
        listener.Start();
        _ = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndpoint;

    /// <summary>Everything sent to the target and received from it so far (all connections, in order).</summary>
    public (byte[] Sent, byte[] Received) Captured()
    {
        lock (sent) lock (received) return (sent.ToArray(), received.ToArray());
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(target, stop.Token);
                }
                catch (SocketException)
                {
                    // The target does not listen (yet): refuse this connection as the target would, keep relaying.
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                _ = PumpAsync(client, server, sent);
                _ = PumpAsync(server, client, received);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, MemoryStream record)
    {
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await from.GetStream().ReadAsync(buffer, stop.Token)) > 0)
            {
                lock (record) record.Write(buffer, 0, read);
                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try { to.Client.Shutdown(SocketShutdown.Send); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
