using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Hr;
using ScimBridge.Mirror;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>The leaver SLA for a period (default the last 30 days) and the seats the leavers freed.</summary>
public sealed class SlaModel(ScimBridgeDbContext db, IOptions<MirrorOptions> mirror, TimeProvider time) : HrPageModel
{
    public LeaverSla? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (from, to) = HrQueries.Period(Query("from"), Query("to"), time.GetUtcNow());
            Report = await HrQueries.SlaAsync(db, from, to, mirror.Value, cancellationToken);
        }
        catch (AdminException ex)
        {
            Fail(ex.Status, ex.Detail ?? ex.Title);
        }
    }
}
