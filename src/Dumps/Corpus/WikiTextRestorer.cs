using System.Text;

namespace LlamaJump.Dumps.Corpus;

/// <summary>Turns one line of WikiText's space-separated tokens back into normal text. Rules, applied token by
/// token:
/// <list type="bullet">
/// <item><c>a @-@ b</c> → <c>a-b</c>, <c>1 @,@ 000</c> → <c>1,000</c>, <c>3 @.@ 5</c> → <c>3.5</c>.</item>
/// <item>No space before <c>, . ; : ! ? ) ] } %</c> or a clitic (<c>'s 't 're 've 'll 'd 'm</c>), nor before a lone
/// <c>'</c> that follows a word ending in s (<c>players '</c> → <c>players'</c>).</item>
/// <item>No space after <c>( [ { $ £ € #</c>.</item>
/// <item><c>"</c> alternates within the line: an opening quote keeps the space before it and drops the one after,
/// a closing quote drops the space before it (best effort: an unbalanced quote flips the rest of the line).</item>
/// </list>
/// Everything else is joined with single spaces. <c>&lt;unk&gt;</c> is left as it is (the caller drops such
/// sentences).</summary>
public static class WikiTextRestorer
{
    private static readonly HashSet<string> NoSpaceBefore =
        [",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "'s", "'S", "'t", "'re", "'ve", "'ll", "'d", "'m"];

    private static readonly HashSet<string> NoSpaceAfter = ["(", "[", "{", "$", "£", "€", "#"];

    public static string Restore(string line)
    {
        var output = new StringBuilder(line.Length);
        bool glueNext = true; // no space before the next token (start of line, or after an opener)
        bool quoteOpen = false;
        foreach (string token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string text = token;
            bool glueBefore = glueNext, glueAfter = false;
            switch (token)
            {
                case "@-@": text = "-"; glueBefore = glueAfter = true; break;
                case "@,@": text = ","; glueBefore = glueAfter = true; break;
                case "@.@": text = "."; glueBefore = glueAfter = true; break;
                case "\"":
                    if (quoteOpen)
                        glueBefore = true;
                    else
                        glueAfter = true;
                    quoteOpen = !quoteOpen;
                    break;
                case "'" when output.Length > 0 && output[^1] is 's' or 'S':
                    glueBefore = true;
                    break;
                default:
                    glueBefore |= NoSpaceBefore.Contains(token);
                    glueAfter = NoSpaceAfter.Contains(token);
                    break;
            }
            if (!glueBefore && output.Length > 0)
                output.Append(' ');
            output.Append(text);
            glueNext = glueAfter;
        }
        return output.ToString();
    }
}
