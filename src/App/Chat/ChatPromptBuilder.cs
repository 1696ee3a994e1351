using System.Text;
using LLama;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.App.Chat;

/// <summary>
/// Turns the conversation into prompt tokens. A model with a chat template (GGUF <c>tokenizer.chat_template</c>)
/// gets its turns through LLamaSharp's <see cref="LLamaTemplate"/> (user/assistant roles, the assistant prefix
/// appended); a base model without one (stories260K) gets plain text — earlier turns' input and reply, one turn per
/// line, then the new input — and simply continues it. Turns are dropped oldest first until the prompt leaves
/// <c>replyRoom</c> tokens of the context free; a single input too long for that keeps its last tokens.
/// </summary>
public sealed class ChatPromptBuilder(ModelSession session)
{
    public bool HasTemplate => session.Info.ChatTemplate is not null;

    public IReadOnlyList<int> Build(IReadOnlyList<ChatTurn> history, string user, int replyRoom)
    {
        int budget = Math.Max(1, session.Options.ContextSize - replyRoom);
        for (int skip = 0; skip <= history.Count; skip++)
        {
            var tokens = Tokenize(Text(history.Skip(skip).ToList(), user));
            if (tokens.Length <= budget)
            {
                return tokens;
            }
            if (skip == history.Count)
            {
                return tokens[^budget..];
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    internal string Text(IReadOnlyList<ChatTurn> history, string user)
    {
        if (!HasTemplate)
        {
            var plain = new StringBuilder();
            foreach (var turn in history)
            {
                plain.Append(turn.User).Append(turn.ReplyText).Append('\n');
            }
            return plain.Append(user).ToString();
        }
        var template = new LLamaTemplate(session.Weights, strict: false) { AddAssistant = true };
        foreach (var turn in history)
        {
            template.Add("user", turn.User);
            template.Add("assistant", turn.ReplyText);
        }
        template.Add("user", user);
        return Encoding.UTF8.GetString(template.Apply());
    }

    private int[] Tokenize(string text)
    {
        var tokens = session.Context.Tokenize(text, addBos: true, special: HasTemplate).Select(t => (int)t).ToArray();
        var bos = session.Weights.Vocab.BOS;
        // A template that writes its own BOS text would otherwise start with two.
        return tokens.Length > 1 && bos is { } b && tokens[0] == (int)b && tokens[1] == (int)b ? tokens[1..] : tokens;
    }
}
