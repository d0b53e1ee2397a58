using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScimBridge.Admin;

namespace ScimBridge.Reclamation;

/// <summary>
/// The reclamation rules' admin API: rules (with versions and If-Match), the VIP list, dry runs and evaluation. Rule
/// bodies are read here, strictly, so a mistyped property or a wrong type is a 400 naming the field.
/// </summary>
public static class RulesApi
{
    public static RouteGroupBuilder MapReclamationRules(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/reclamation").WithTags("Licence reclamation");
        group.MapGet("/rules", List).WithName("ListReclaimRules").WithSummary("Reclamation rules in id order; includeDeleted=true adds the deleted ones.");
        group.MapPost("/rules", Create).WithName("CreateReclaimRule")
            .WithSummary("Create a rule (a ReclaimRuleDefinition as camelCase JSON); 400 names every field at fault and saves nothing.")
            .Accepts<ReclaimRuleDefinition>("application/json")
            .Produces<ReclaimRuleView>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/rules/{id}", Get).WithName("GetReclaimRule").WithSummary("One rule with its definition and version.")
            .Produces<ReclaimRuleView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/rules/{id}", Replace).WithName("ReplaceReclaimRule")
            .WithSummary("Replace a rule's definition (bumps its version); If-Match: \"<version>\" refuses a stale edit with 412.")
            .Accepts<ReclaimRuleDefinition>("application/json")
            .Produces<ReclaimRuleView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/rules/{id}", Delete).WithName("DeleteReclaimRule")
            .WithSummary("Soft-delete a rule; its open candidates close as skipped (\"Rule deleted\"), except those the revoker is acting on.")
            .Produces<RuleDeleted>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/rules/{id}/versions", Versions).WithName("ListReclaimRuleVersions").WithSummary("Every version of a rule, newest first: the change, who, when and the definition.")
            .Produces<List<ReclaimRuleVersionView>>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/rules/{id}/dry-run", DryRunRule).WithName("DryRunReclaimRule")
            .WithSummary("What the rule would take now, by seat type with monthly and yearly savings; writes nothing.")
            .Produces<DryRunResult>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/dry-run", DryRunDefinition).WithName("DryRunReclaimDefinition")
            .WithSummary("What an unsaved rule definition would take now (a preview); validated as on create; writes nothing.")
            .Accepts<ReclaimRuleDefinition>("application/json")
            .Produces<DryRunResult>().ProducesValidationProblem();
        group.MapPost("/evaluate", Evaluate).WithName("EvaluateReclaimRules")
            .WithSummary("Evaluate every enabled rule now: creates candidates; 409 while another instance is evaluating.")
            .Produces<EvaluationResult>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/vips", Vips).WithName("ListReclaimVips").WithSummary("The VIP list: people never reclaimed from, by any rule in any app.");
        group.MapPost("/vips", AddVip).WithName("AddReclaimVip")
            .WithSummary("Add a VIP by email or userName; it must match an inbound user or a mirrored seat (400), once (409).")
            .Accepts<AddVipRequest>("application/json")
            .Produces<ReclaimVipView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/vips/{id}", DeleteVip).WithName("DeleteReclaimVip").WithSummary("Remove a VIP entry.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<ReclaimRuleView>>> List([Description("true: deleted rules too.")] bool? includeDeleted, ReclaimRules rules, CancellationToken ct) =>
        TypedResults.Ok(await rules.ListAsync(includeDeleted == true, ct));

    private static async Task<Created<ReclaimRuleView>> Create(HttpContext context, ReclaimRules rules, CancellationToken ct)
    {
        var rule = ReclaimRuleValidator.Parse(await BodyAsync(context, ct));
        var created = await rules.CreateAsync(rule, AdminApi.ActorName(context), ct);
        return TypedResults.Created($"/admin/api/reclamation/rules/{created.Id}", created);
    }

    private static async Task<Ok<ReclaimRuleView>> Get(string id, HttpContext context, ReclaimRules rules, CancellationToken ct)
    {
        var rule = await rules.GetAsync(RuleId(id), ct);
        context.Response.Headers.ETag = $"\"{rule.Version}\"";
        return TypedResults.Ok(rule);
    }

    private static async Task<Ok<ReclaimRuleView>> Replace(string id, HttpContext context, ReclaimRules rules, CancellationToken ct)
    {
        var ruleId = RuleId(id);
        var expected = IfMatch(context.Request.Headers.IfMatch.ToString());
        var rule = ReclaimRuleValidator.Parse(await BodyAsync(context, ct));
        var updated = await rules.UpdateAsync(ruleId, rule, expected, AdminApi.ActorName(context), ct);
        context.Response.Headers.ETag = $"\"{updated.Version}\"";
        return TypedResults.Ok(updated);
    }

    private static async Task<Ok<RuleDeleted>> Delete(string id, HttpContext context, ReclaimRules rules, CancellationToken ct) =>
        TypedResults.Ok(await rules.DeleteAsync(RuleId(id), AdminApi.ActorName(context), ct));

    private static async Task<Ok<List<ReclaimRuleVersionView>>> Versions(string id, ReclaimRules rules, CancellationToken ct) =>
        TypedResults.Ok(await rules.VersionsAsync(RuleId(id), ct));

    private static async Task<Ok<DryRunResult>> DryRunRule(string id, ReclaimEvaluator evaluator, CancellationToken ct) =>
        TypedResults.Ok(await evaluator.DryRunAsync(RuleId(id), ct));

    private static async Task<Ok<DryRunResult>> DryRunDefinition(HttpContext context, ReclaimRules rules, ReclaimEvaluator evaluator, CancellationToken ct)
    {
        var rule = ReclaimRuleValidator.Parse(await BodyAsync(context, ct));
        var errors = await rules.CheckAsync(rule, null, ct);
        // A preview may reuse a saved rule's name: only the name clash is not an error here.
        errors.Remove("name");
        if (string.IsNullOrWhiteSpace(rule.Name))
        {
            rule.Name = "(preview)";
        }
        if (errors.Count > 0)
        {
            throw new AdminException(StatusCodes.Status400BadRequest, "Invalid rule", string.Join(" ", errors.Values.SelectMany(m => m)), errors);
        }
        return TypedResults.Ok(await evaluator.DryRunAsync(rule, null, ct));
    }

    private static async Task<Ok<EvaluationResult>> Evaluate(HttpContext context, ReclaimEvaluator evaluator, CancellationToken ct)
    {
        var result = await evaluator.EvaluateAsync(ReclaimActor.Admin(AdminApi.ActorName(context)), ct);
        return result.Ran ? TypedResults.Ok(result) : throw new AdminException(StatusCodes.Status409Conflict, "Evaluation in progress", result.Message);
    }

    private static async Task<Ok<List<ReclaimVipView>>> Vips(ReclaimVips vips, CancellationToken ct) => TypedResults.Ok(await vips.ListAsync(ct));

    private static async Task<Created<ReclaimVipView>> AddVip(HttpContext context, ReclaimVips vips, CancellationToken ct)
    {
        var request = ReclaimRuleValidator.Parse<AddVipRequest>(await BodyAsync(context, ct), "VIP entry ({\"match\": \"email or userName\", \"note\": \"…\"})");
        var added = await vips.AddAsync(request, AdminApi.ActorName(context), ct);
        return TypedResults.Created($"/admin/api/reclamation/vips/{added.Id}", added);
    }

    private static async Task<NoContent> DeleteVip(string id, ReclaimVips vips, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var vipId))
        {
            throw AdminException.NotFound("There is no such VIP entry; ids are numbers.");
        }
        await vips.DeleteAsync(vipId, ct);
        return TypedResults.NoContent();
    }

    private static long RuleId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var ruleId)
            ? ruleId
            : throw AdminException.NotFound($"There is no reclamation rule '{(id.Length > 40 ? id[..40] + "…" : id)}'; rule ids are numbers.");

    /// <summary>If-Match: "3", W/"3" or 3; absent or * means any version.</summary>
    private static int? IfMatch(string header)
    {
        var value = header.Trim();
        if (value.Length == 0 || value == "*")
        {
            return null;
        }
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        return int.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw AdminException.Invalid("If-Match", $"If-Match: '{header}' is not a rule version such as \"3\".");
    }

    private const int MaxBody = 256 * 1024;

    private static async Task<string> BodyAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.ContentLength is > MaxBody)
        {
            throw new AdminException(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A rule is far smaller than {MaxBody / 1024} KB.");
        }
        using var reader = new StreamReader(context.Request.Body);
        var buffer = new char[MaxBody + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return read > MaxBody
            ? throw new AdminException(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A rule is far smaller than {MaxBody / 1024} KB.")
            : new string(buffer, 0, read);
    }
}
