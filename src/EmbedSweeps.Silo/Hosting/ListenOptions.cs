namespace EmbedSweeps.Silo.Hosting;

/// <summary><c>--listen ADDRESS</c>, <c>--advertise ADDRESS</c> and <c>--insecure</c> of <c>silo</c> and <c>serve --host-silo</c>.</summary>
public sealed record ListenOptions(System.Net.IPAddress? Listen, System.Net.IPAddress? Advertise, bool Insecure);
