using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Reclamation;

/// <summary>
/// Writes new candidates set-based: one multi-row INSERT per chunk (seats another writer made a candidate for meanwhile
/// are left out by the open-seat index, never an error), then their first transitions with one INSERT … SELECT.
/// The values are written as EF writes them: timestamps as UTC ticks, decimals as the provider's parameter binds them
/// (TEXT "0.0###" on SQLite, numeric on PostgreSQL), booleans as the provider's boolean.
/// </summary>
internal static class CandidateInserter
{
    // Per-row parameters; SQLite allows 32,766 per statement, PostgreSQL 65,535.
    private const int RowParameters = 14;
    public const int MaxRows = 2000;

    // SQLite looks a named parameter up by a linear scan, so binding one statement's parameters costs the square of
    // their number: 2,000 rows (28,000 parameters) took seconds; shorter statements in the same transaction do not.
    private const int SqliteStatementRows = 20;

    private const string Columns = "\"RuleId\", \"RuleVersion\", \"Action\", \"Currency\", \"CreatedAt\", \"UpdatedAt\", \"GuardApproved\", \"Reminders\", \"Attempts\", "
        + "\"App\", \"SeatId\", \"AccountId\", \"UserId\", \"Email\", \"Name\", \"SeatType\", \"State\", \"Reason\", \"StateReason\", \"LastActivity\", "
        + "\"CreatedInApp\", \"MonthlySaving\", \"NoticeDueAt\"";

    /// <summary>
    /// Inserts <paramref name="candidates"/> (one rule's, all created at the same time, at most <see cref="MaxRows"/>) and
    /// their first transitions in one transaction; sets the Id of each one saved and returns those (the rest were taken meanwhile).
    /// </summary>
    public static async Task<List<ReclaimCandidateRecord>> InsertAsync(
        ScimBridgeDbContext db, IReadOnlyList<ReclaimCandidateRecord> candidates, ReclaimActor actor, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return [];
        }
        if (candidates.Count > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(candidates), $"At most {MaxRows} candidates per statement.");
        }
        var first = candidates[0];
        var postgres = db.IsPostgres;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            var saved = new List<ReclaimCandidateRecord>(candidates.Count);
            foreach (var chunk in candidates.Chunk(postgres ? MaxRows : SqliteStatementRows))
            {
                await InsertChunkAsync(connection, transaction, chunk, first, postgres, saved, cancellationToken);
            }

            if (saved.Count > 0)
            {
                // The first transition comes from no state. The Id range, rule and creation time select this insert's rows;
                // the unary plus keeps SQLite on the primary key's range (the RuleId index would scan the rule's every candidate).
                await using var transitions = connection.CreateCommand();
                transitions.Transaction = transaction;
                transitions.CommandText = """
                    INSERT INTO "ReclaimTransitions" ("CandidateId", "FromState", "ToState", "At", "ActorType", "Actor", "Note")
                    SELECT "Id", NULL, "State", "CreatedAt", @actorType, @actor, "StateReason" FROM "ReclaimCandidates"
                    WHERE "Id" >= @min AND "Id" <= @max AND +"RuleId" = @rule AND +"CreatedAt" = @now AND "ClosedAt" IS NULL
                    ORDER BY "Id"
                    """;
                Add(transitions, "@actorType", actor.Type);
                Add(transitions, "@actor", actor.Name);
                Add(transitions, "@min", saved.Min(c => c.Id));
                Add(transitions, "@max", saved.Max(c => c.Id));
                Add(transitions, "@rule", first.RuleId);
                Add(transitions, "@now", first.CreatedAt.UtcTicks);
                var written = await transitions.ExecuteNonQueryAsync(cancellationToken);
                if (written != saved.Count)
                {
                    throw new InvalidOperationException($"Wrote {written} first transitions for {saved.Count} new candidates.");
                }
            }
            await transaction.CommitAsync(cancellationToken);
            saved.Sort((a, b) => a.Id.CompareTo(b.Id));
            return saved;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task InsertChunkAsync(
        DbConnection connection, DbTransaction transaction, ReclaimCandidateRecord[] chunk, ReclaimCandidateRecord first, bool postgres,
        List<ReclaimCandidateRecord> saved, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(64 + chunk.Length * 120);
        sql.Append("INSERT INTO \"ReclaimCandidates\" (").Append(Columns).Append(") VALUES ");
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        Add(insert, "@rule", first.RuleId);
        Add(insert, "@version", first.RuleVersion);
        Add(insert, "@action", first.Action);
        Add(insert, "@currency", first.Currency);
        Add(insert, "@now", first.CreatedAt.UtcTicks);
        var shared = $"@rule, @version, @action, @currency, @now, @now, {(postgres ? "FALSE" : "0")}, 0, 0";
        var bySeat = new Dictionary<long, ReclaimCandidateRecord>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            var c = chunk[i];
            if (c.RuleId != first.RuleId || c.RuleVersion != first.RuleVersion || c.Action != first.Action || c.Currency != first.Currency
                || c.CreatedAt != first.CreatedAt || c.UpdatedAt != first.CreatedAt)
            {
                throw new ArgumentException("The candidates of one insert share their rule, action, currency and time.", nameof(chunk));
            }
            bySeat.Add(c.SeatId, c);
            sql.Append(i == 0 ? "(" : ", (").Append(shared);
            for (var p = 0; p < RowParameters; p++)
            {
                sql.Append(", @p").Append(i).Append('_').Append(p);
            }
            sql.Append(')');
            object?[] values =
            [
                c.App, c.SeatId, c.AccountId, c.UserId, c.Email, c.Name, c.SeatType, c.State, c.Reason, c.StateReason,
                c.LastActivity?.UtcTicks, c.CreatedInApp?.UtcTicks, c.MonthlySaving, c.NoticeDueAt?.UtcTicks,
            ];
            for (var p = 0; p < RowParameters; p++)
            {
                Add(insert, $"@p{i}_{p}", values[p]);
            }
        }
        sql.Append($" ON CONFLICT (\"SeatId\") WHERE {ReclaimCandidateConfiguration.OpenFilter} DO NOTHING RETURNING \"Id\", \"SeatId\"");
        insert.CommandText = sql.ToString();

        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var c = bySeat[reader.GetInt64(1)];
                c.Id = reader.GetInt64(0);
                saved.Add(c);
            }
        }
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
