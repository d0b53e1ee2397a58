using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScimBridge.Data;

/// <summary>
/// New rows written in one command, without the change tracker. The statements are the ones SaveChanges would send,
/// built once per provider and entity type from the model (table, columns, value converters, column defaults); what
/// is skipped is SaveChanges' own work, tracking, graph walking and batch planning, which in a create cost more CPU
/// than the statements (issue 16's profile). One command is one round trip on PostgreSQL. Rows with a store-generated
/// key get it in the store; the entity's key property is left unset.
/// </summary>
internal sealed class RowInserts(ScimBridgeDbContext db)
{
    private static readonly ConcurrentDictionary<(string Provider, Type Type), Insert> Inserts = new();
    private readonly StringBuilder _sql = new();
    private readonly List<(RelationalTypeMapping Mapping, object? Value, bool Nullable)> _values = [];

    public RowInserts Add<T>(T row)
        where T : class
    {
        var insert = Inserts.GetOrAdd((db.Provider, typeof(T)), key => Insert.For(db, key.Type));
        _sql.Append(insert.Head).Append('(');
        for (var i = 0; i < insert.Columns.Length; i++)
        {
            var column = insert.Columns[i];
            _sql.Append(i == 0 ? "@p" : ", @p").Append(_values.Count);
            var value = column.Getter.GetClrValueUsingContainingEntity(row);
            // As SaveChanges: a column with a default gets it when the property holds its type's default.
            _values.Add((column.Mapping, column.Default is not null && Equals(value, column.Unset) ? column.Default : value, column.Nullable));
        }

        _sql.Append(");\n");
        return this;
    }

    /// <summary>Runs the inserts on the context's open connection, in its current transaction if it has one.</summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = _sql.ToString();
        for (var i = 0; i < _values.Count; i++)
        {
            var (mapping, value, nullable) = _values[i];
            command.Parameters.Add(mapping.CreateParameter(command, "@p" + i, value, nullable));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, object? Default, object? Unset, bool Nullable);

    private sealed record Insert(string Head, Column[] Columns)
    {
        public static Insert For(ScimBridgeDbContext db, Type type)
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            // A key the store generates (an identity column) is left to the store, as SaveChanges does.
            var properties = entity.GetProperties()
                .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd)))
                .ToArray();
            if (properties.FirstOrDefault(p => p.IsShadowProperty() || p.GetDefaultValueSql() is not null || p.GetComputedColumnSql() is not null) is { } other)
            {
                throw new InvalidOperationException($"{type.Name}.{other.Name} is a shadow, SQL-default or computed column, which a row insert does not write.");
            }

            var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            return new Insert(
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ",
                properties.Select(p => new Column(
                    p.GetGetter(),
                    p.GetRelationalTypeMapping(),
                    p.GetDefaultValue(),
                    p.ClrType.IsValueType ? Activator.CreateInstance(p.ClrType) : null,
                    p.IsNullable)).ToArray());
        }
    }
}
