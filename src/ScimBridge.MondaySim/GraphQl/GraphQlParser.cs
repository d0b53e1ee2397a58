using System.Globalization;
using System.Text;

namespace ScimBridge.MondaySim.GraphQl;

/// <summary>An error that monday reports at HTTP 200 in the <c>errors</c> array.</summary>
public sealed class GraphQlException(string message, string code, int line = 0, int column = 0, int? statusCode = null) : Exception(message)
{
    public int? StatusCode { get; } = statusCode;
    public string Code { get; } = code;
    public int Line { get; } = line;
    public int Column { get; } = column;
}

public sealed record GqlEnum(string Name);

public sealed record GqlVariable(string Name);

public sealed record GqlField(string Name, string? Alias, Dictionary<string, object?> Arguments, List<GqlField>? Selection, int Line, int Column)
{
    public string ResponseKey => Alias ?? Name;
}

public sealed record GqlOperation(bool IsMutation, List<GqlField> Selection);

/// <summary>
/// Parses the subset of GraphQL that monday clients send: one operation (<c>query</c>/<c>mutation</c>, or the
/// <c>{ … }</c> shorthand) with an optional name and variable definitions, fields with aliases, arguments
/// (ints, floats, strings, booleans, null, enums, lists, input objects and <c>$variables</c>) and nested
/// selection sets. No fragments, directives or multiple operations. The Roadmunk simulator parses with it too.
/// </summary>
public sealed class GraphQlParser
{
    private readonly List<Token> _tokens = [];
    private int _position;

    private enum Kind { Punct, Name, Int, Float, String, End }

    private sealed record Token(Kind Kind, string Text, int Line, int Column);

    private GraphQlParser(string text) => Tokenize(text);

    public static GqlOperation Parse(string text) => new GraphQlParser(text).ParseOperation();

    private Token Current => _tokens[_position];

    private GqlOperation ParseOperation()
    {
        var isMutation = false;
        if (Current.Kind == Kind.Name)
        {
            isMutation = Current.Text switch
            {
                "query" => false,
                "mutation" => true,
                _ => throw Unexpected(),
            };
            _position++;
            if (Current.Kind == Kind.Name)
            {
                _position++;
            }
            if (IsPunct("("))
            {
                SkipVariableDefinitions();
            }
        }
        var selection = ParseSelectionSet();
        if (Current.Kind != Kind.End)
        {
            throw Unexpected();
        }
        return new GqlOperation(isMutation, selection);
    }

    private void SkipVariableDefinitions()
    {
        Expect("(");
        while (!IsPunct(")"))
        {
            Expect("$");
            ExpectName();
            Expect(":");
            SkipType();
            if (IsPunct("="))
            {
                _position++;
                ParseValue();
            }
        }
        Expect(")");
    }

    private void SkipType()
    {
        if (IsPunct("["))
        {
            _position++;
            SkipType();
            Expect("]");
        }
        else
        {
            ExpectName();
        }
        if (IsPunct("!"))
        {
            _position++;
        }
    }

    private List<GqlField> ParseSelectionSet()
    {
        Expect("{");
        var fields = new List<GqlField>();
        while (!IsPunct("}"))
        {
            fields.Add(ParseField());
        }
        if (fields.Count == 0)
        {
            throw Unexpected();
        }
        Expect("}");
        return fields;
    }

    private GqlField ParseField()
    {
        var start = Current;
        var name = ExpectName();
        string? alias = null;
        if (IsPunct(":"))
        {
            _position++;
            alias = name;
            name = ExpectName();
        }
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (IsPunct("("))
        {
            _position++;
            while (!IsPunct(")"))
            {
                var argument = ExpectName();
                Expect(":");
                arguments[argument] = ParseValue();
            }
            Expect(")");
        }
        var selection = IsPunct("{") ? ParseSelectionSet() : null;
        return new GqlField(name, alias, arguments, selection, start.Line, start.Column);
    }

    private object? ParseValue()
    {
        var token = Current;
        switch (token.Kind)
        {
            case Kind.Int:
                _position++;
                return long.Parse(token.Text, CultureInfo.InvariantCulture);
            case Kind.Float:
                _position++;
                return double.Parse(token.Text, CultureInfo.InvariantCulture);
            case Kind.String:
                _position++;
                return token.Text;
            case Kind.Name:
                _position++;
                return token.Text switch
                {
                    "true" => true,
                    "false" => false,
                    "null" => null,
                    _ => new GqlEnum(token.Text),
                };
            case Kind.Punct when token.Text == "$":
                _position++;
                return new GqlVariable(ExpectName());
            case Kind.Punct when token.Text == "[":
                _position++;
                var list = new List<object?>();
                while (!IsPunct("]"))
                {
                    list.Add(ParseValue());
                }
                _position++;
                return list;
            case Kind.Punct when token.Text == "{":
                _position++;
                var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (!IsPunct("}"))
                {
                    var name = ExpectName();
                    Expect(":");
                    fields[name] = ParseValue();
                }
                _position++;
                return fields;
            default:
                throw Unexpected();
        }
    }

    private bool IsPunct(string text) => Current.Kind == Kind.Punct && Current.Text == text;

    private void Expect(string punct)
    {
        if (!IsPunct(punct))
        {
            throw Unexpected();
        }
        _position++;
    }

    private string ExpectName()
    {
        if (Current.Kind != Kind.Name)
        {
            throw Unexpected();
        }
        return _tokens[_position++].Text;
    }

    private GraphQlException Unexpected()
    {
        var token = Current;
        var what = token.Kind == Kind.End ? "end of file" : $"\"{token.Text}\"";
        return new GraphQlException($"Parse error on {what} at [{token.Line}, {token.Column}]", "PARSING_ERROR", token.Line, token.Column);
    }

    private void Tokenize(string text)
    {
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',' || text[i] == '#'))
            {
                if (text[i] == '#')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                    continue;
                }
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
                i++;
            }
            var column = i - lineStart + 1;
            if (i >= text.Length)
            {
                _tokens.Add(new Token(Kind.End, "", line, column));
                return;
            }
            var c = text[i];
            if ("{}()[]:!$=".Contains(c, StringComparison.Ordinal))
            {
                _tokens.Add(new Token(Kind.Punct, c.ToString(), line, column));
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                _tokens.Add(new Token(Kind.Name, text[start..i], line, column));
            }
            else if (char.IsAsciiDigit(c) || c == '-')
            {
                var start = i++;
                var isFloat = false;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or 'e' or 'E'))
                {
                    isFloat |= !char.IsAsciiDigit(text[i]);
                    i++;
                }
                var number = text[start..i];
                if (number == "-" || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new GraphQlException($"Parse error on \"{number}\" at [{line}, {column}]", "PARSING_ERROR", line, column);
                }
                _tokens.Add(new Token(isFloat ? Kind.Float : Kind.Int, number, line, column));
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length || text[i] == '\n')
                    {
                        throw new GraphQlException($"Unterminated string at [{line}, {column}]", "PARSING_ERROR", line, column);
                    }
                    if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        var escaped = text[i + 1];
                        if (escaped == 'u' && i + 5 < text.Length
                            && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        {
                            value.Append((char)code);
                            i += 6;
                            continue;
                        }
                        value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => escaped });
                        i += 2;
                        continue;
                    }
                    value.Append(text[i++]);
                }
                _tokens.Add(new Token(Kind.String, value.ToString(), line, column));
            }
            else
            {
                throw new GraphQlException($"Parse error on \"{c}\" at [{line}, {column}]", "PARSING_ERROR", line, column);
            }
        }
    }
}
