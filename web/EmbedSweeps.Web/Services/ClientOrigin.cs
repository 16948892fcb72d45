namespace EmbedSweeps.Web.Services;

/// <summary>
/// The address of the browser behind this circuit, for the audit trail. An interactive circuit has no HttpContext, so the
/// page that opens it (App.razor, server-rendered) reads the address and hands it to <c>Routes</c> as a parameter, which the
/// framework protects from tampering; Routes stores it here, one per circuit.
/// </summary>
public sealed class ClientOrigin
{
    public string Address { get; set; } = "unknown";
}
