using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using ScimBridge.Data;
using ScimBridge.Mirror;

namespace ScimBridge.Reclamation;

/// <summary>The <c>kind</c> of a notice.</summary>
public static class NoticeKinds
{
    public const string RequestToForego = "request-to-forego";
    public const string Reminder = "reminder";
    public const string ApprovalRequest = "approval-request";
}

/// <summary>
/// Whether a notice reached the webhook; <see cref="Permanent"/> when trying again cannot help (no public URL for the
/// links, a webhook URL that is not http(s)). <see cref="Error"/> never contains the webhook URL.
/// </summary>
public sealed record NoticeDelivery(bool Delivered, string? Error, bool Permanent = false)
{
    public static readonly NoticeDelivery Ok = new(true, null);
}

/// <summary>The manager a keep is sent to for approval (their inbound user).</summary>
public sealed record NoticeApprover(string UserId, string UserName, string? Name, string? Email);

/// <summary>
/// Sends the request to forego, its reminders and the manager's approval request as one JSON POST that Slack and Teams
/// incoming webhooks accept (<c>text</c>, with Slack mrkdwn links), plus structured fields (<c>kind</c>,
/// <c>candidate</c>, <c>actions</c>) for other consumers. The webhook URL embeds a secret and the links are
/// capabilities: neither is ever logged (the client has no HTTP logging), and emails only at Debug.
/// </summary>
public sealed partial class ReclaimNotices(IHttpClientFactory clients, AnswerLinks links, ILogger<ReclaimNotices> logger)
{
    public const string HttpClientName = "reclaim-notices";

    /// <summary>The request to forego (or a reminder) with the user's keep and give-up links.</summary>
    public Task<NoticeDelivery> SendToUserAsync(ReclaimCandidateRecord c, string webhookUrl, string kind, DateTimeOffset? reclaimOn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(c);
        var keep = links.Url(links.Token(c.Id, AnswerKinds.Keep, AnswerAudiences.User));
        var giveUp = links.Url(links.Token(c.Id, AnswerKinds.GiveUp, AnswerAudiences.User));
        if (keep is null || giveUp is null)
        {
            return Task.FromResult(NoPublicUrl);
        }
        var who = Escape(c.Name ?? c.Email ?? c.AccountId);
        var cost = c.MonthlySaving is { } saving ? $" It costs {saving.ToString("0.00", CultureInfo.InvariantCulture)} {Escape(c.Currency)} a month." : "";
        var deadline = reclaimOn is { } on ? $" Without an answer, it will be reclaimed on {on:yyyy-MM-dd}." : "";
        var opening = kind == NoticeKinds.Reminder ? "*Reminder: do you still need your" : "*Do you still need your";
        var text = $"{opening} {Escape(ReclaimAnswers.Seat(c))}?* Hi {who}, it has been unused ({Escape(c.Reason)}).{cost}{deadline}\n<{keep}|Keep my seat> · <{giveUp}|Give up my seat>";
        var body = new NoticeBody(text, kind, Candidate(c), new Dictionary<string, string> { ["keep"] = keep, ["giveUp"] = giveUp }, null);
        return PostAsync(c, webhookUrl, body, cancellationToken);
    }

    /// <summary>The manager's approval request for a keep, with approve-keep and reclaim links tied to this manager.</summary>
    public Task<NoticeDelivery> SendToManagerAsync(ReclaimCandidateRecord c, NoticeApprover manager, string webhookUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(manager);
        var approve = links.Url(links.Token(c.Id, AnswerKinds.ApproveKeep, AnswerAudiences.Manager, manager.UserId));
        var reclaim = links.Url(links.Token(c.Id, AnswerKinds.Reclaim, AnswerAudiences.Manager, manager.UserId));
        if (approve is null || reclaim is null)
        {
            return Task.FromResult(NoPublicUrl);
        }
        var text = $"*{Escape(manager.Name ?? manager.UserName)}: {Escape(c.Name ?? c.Email ?? c.AccountId)} asks to keep their {Escape(ReclaimAnswers.Seat(c))}.* "
            + $"It has been unused ({Escape(c.Reason)}). As their manager, do you approve?\n<{approve}|Approve the keep> · <{reclaim}|Reclaim the seat>";
        var body = new NoticeBody(text, NoticeKinds.ApprovalRequest, Candidate(c),
            new Dictionary<string, string> { ["approveKeep"] = approve, ["reclaim"] = reclaim },
            new NoticeApproverBody(manager.Name, manager.UserName, manager.Email));
        return PostAsync(c, webhookUrl, body, cancellationToken);
    }

    private async Task<NoticeDelivery> PostAsync(ReclaimCandidateRecord c, string webhookUrl, NoticeBody body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return new NoticeDelivery(false, "The rule's notify.webhookUrl is not an absolute http(s) URL.", Permanent: true);
        }
        NoticeDelivery delivery;
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(url, body, cancellationToken);
            delivery = response.IsSuccessStatusCode
                ? NoticeDelivery.Ok
                : new NoticeDelivery(false, $"The webhook answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException ex)
        {
            delivery = new NoticeDelivery(false, $"The webhook could not be reached ({ex.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            delivery = new NoticeDelivery(false, "The webhook did not answer within 10 seconds.");
        }
        if (delivery.Delivered)
        {
            LogSent(logger, body.Kind, c.Id);
            LogSentTo(logger, body.Kind, c.Id, c.Email);
        }
        else
        {
            LogNotSent(logger, body.Kind, c.Id, delivery.Error);
        }
        return delivery;
    }

    private static readonly NoticeDelivery NoPublicUrl =
        new(false, "Reclamation:PublicUrl is not set, so the notice's keep and give-up links cannot be made.", Permanent: true);

    private static NoticeCandidate Candidate(ReclaimCandidateRecord c) =>
        new(c.Id, c.App, c.SeatType, c.Email, c.Name, c.LastActivity, c.Reason, c.MonthlySaving, c.Currency);

    /// <summary>Slack mrkdwn's three control characters.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private sealed record NoticeBody(
        string Text,
        string Kind,
        NoticeCandidate Candidate,
        Dictionary<string, string> Actions,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NoticeApproverBody? Approver);

    private sealed record NoticeCandidate(
        long Id, string App, string SeatType, string? Email, string? Name, DateTimeOffset? LastActivity, string Reason, decimal? MonthlySaving, string Currency);

    private sealed record NoticeApproverBody(string? Name, string UserName, string? Email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the {Kind} notice of reclamation candidate {CandidateId}.")]
    private static partial void LogSent(ILogger logger, string kind, long candidateId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Kind} notice of reclamation candidate {CandidateId} was about {Email}.")]
    private static partial void LogSentTo(ILogger logger, string kind, long candidateId, string? email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} notice of reclamation candidate {CandidateId} was not delivered: {Error}")]
    private static partial void LogNotSent(ILogger logger, string kind, long candidateId, string? error);
}
