using System.Globalization;

namespace HourglassSimd.Interop.Npy;

/// <summary>
/// The header dictionary of a <c>.npy</c> file, a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3, 64, 64), }</c>: parsed without evaluating anything,
/// and written the way NumPy writes it.
/// </summary>
public sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>Parses a header; returns null and a reason when it is not a valid NPY header dictionary.</summary>
    public static NpyHeader? TryParse(string text, out string? error)
    {
        var parser = new Parser(text);
        try
        {
            var header = parser.ParseHeader();
            error = null;
            return header;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The dictionary text, without padding: <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (1, 2), }</c>.</summary>
    public string Format() =>
        $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {NpyArray.FormatShape(Shape)}, }}";

    private sealed class Parser(string text)
    {
        private int _at;

        public NpyHeader ParseHeader()
        {
            Expect('{');
            string? descr = null;
            bool? fortran = null;
            int[]? shape = null;
            while (true)
            {
                SkipSpace();
                if (TryTake('}'))
                    break;
                string key = ParseString();
                Expect(':');
                switch (key)
                {
                    case "descr":
                        SkipSpace();
                        if (Peek() is '[' or '(')
                            throw new FormatException("'descr' is a structured dtype; only plain float32 ('<f4') is supported.");
                        descr = ParseString();
                        break;
                    case "fortran_order":
                        fortran = ParseBool();
                        break;
                    case "shape":
                        shape = ParseShape();
                        break;
                    default:
                        throw new FormatException($"unknown header key '{key}'.");
                }
                SkipSpace();
                if (TryTake('}'))
                    break;
                Expect(',');
            }
            SkipSpace();
            if (_at != text.Length)
                throw new FormatException("text follows the header dictionary.");
            if (descr is null || fortran is null || shape is null)
                throw new FormatException("the header lacks 'descr', 'fortran_order' or 'shape'.");
            return new NpyHeader(descr, fortran.Value, shape);
        }

        private int[] ParseShape()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (TryTake(')'))
                    break;
                int start = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                    _at++;
                if (!int.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
                    throw new FormatException($"shape entry '{Snippet(start)}' is not a non-negative 32-bit integer.");
                TryTake('L'); // Python 2 long literal
                dims.Add(dim);
                if (dims.Count > 32)
                    throw new FormatException("the shape has more than 32 dimensions.");
                SkipSpace();
                if (TryTake(')'))
                    break;
                Expect(',');
            }
            return [.. dims];
        }

        private bool ParseBool()
        {
            SkipSpace();
            if (text.AsSpan(_at).StartsWith("True"))
            {
                _at += 4;
                return true;
            }
            if (text.AsSpan(_at).StartsWith("False"))
            {
                _at += 5;
                return false;
            }
            throw new FormatException($"'fortran_order' is '{Snippet(_at)}', not True or False.");
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
                throw new FormatException($"expected a quoted string at '{Snippet(_at)}'.");
            int end = text.IndexOf(quote, _at + 1);
            if (end < 0)
                throw new FormatException("unterminated string.");
            string value = text[(_at + 1)..end];
            _at = end + 1;
            return value;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryTake(c))
                throw new FormatException($"expected '{c}' at '{Snippet(_at)}'.");
        }

        private bool TryTake(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
                _at++;
        }

        private string Snippet(int from) => text.Substring(Math.Min(from, text.Length), Math.Min(12, text.Length - Math.Min(from, text.Length)));
    }
}
