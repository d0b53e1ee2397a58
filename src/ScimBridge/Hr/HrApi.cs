namespace ScimBridge.Hr;

/// <summary>/hr/v1: terminate, rescind, rehire and move workers; read the events. Idempotent by client request id.</summary>
public static class HrApi
{
    public static void MapHrApi(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
    }
}
