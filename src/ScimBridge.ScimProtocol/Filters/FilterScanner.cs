using System.Globalization;
using System.Text;

namespace ScimBridge.ScimProtocol.Filters;

internal enum TokenKind { End, LeftParen, RightParen, LeftBracket, RightBracket, String, Word }

/// <summary>One token: <see cref="Text"/> is the raw word, or the decoded value of a JSON string.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int End, string Text);

/// <summary>
/// Splits filter text into tokens. A word is a run of characters other than whitespace, parentheses,
/// brackets and double quotes: attribute paths, operators, keywords, numbers and unquoted values.
/// </summary>
internal sealed class FilterScanner(string text, Func<string, ScimException> error)
{
    public string Text { get; } = text;

    public int Position { get; set; }

    public Token Peek() => Read(Position);

    public Token Next()
    {
        var token = Peek();
        Position = token.End;
        return token;
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static bool IsWordChar(char c) => !IsWhitespace(c) && c is not ('(' or ')' or '[' or ']' or '"');

    /// <summary>Reads the token at or after <paramref name="from"/> (skipping whitespace) without moving.</summary>
    public Token Read(int from)
    {
        var i = from;
        while (i < Text.Length && IsWhitespace(Text[i]))
        {
            i++;
        }

        if (i >= Text.Length)
        {
            return new Token(TokenKind.End, Text.Length, Text.Length, string.Empty);
        }

        switch (Text[i])
        {
            case '(':
                return new Token(TokenKind.LeftParen, i, i + 1, "(");
            case ')':
                return new Token(TokenKind.RightParen, i, i + 1, ")");
            case '[':
                return new Token(TokenKind.LeftBracket, i, i + 1, "[");
            case ']':
                return new Token(TokenKind.RightBracket, i, i + 1, "]");
            case '"':
                return ReadString(i);
            default:
                var end = i;
                while (end < Text.Length && IsWordChar(Text[end]))
                {
                    end++;
                }

                return new Token(TokenKind.Word, i, end, Text[i..end]);
        }
    }

    private Token ReadString(int start)
    {
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < Text.Length)
        {
            var c = Text[i];
            if (c == '"')
            {
                return new Token(TokenKind.String, start, i + 1, builder.ToString());
            }

            if (c != '\\')
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= Text.Length)
            {
                break;
            }

            var escape = Text[i + 1];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (i + 6 > Text.Length
                        || !int.TryParse(Text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw error($"Invalid \\u escape in the string at position {i}: expected four hexadecimal digits.");
                    }

                    builder.Append((char)code);
                    i += 6;
                    continue;
                default:
                    throw error($"Invalid escape '\\{escape}' in the string at position {i}.");
            }

            i += 2;
        }

        throw error($"The string starting at position {start} is not terminated: expected a closing '\"'.");
    }
}
