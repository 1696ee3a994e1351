using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>
/// Loads models for the chat on the patched backend with a context of <paramref name="contextTokens"/> and
/// <paramref name="threads"/> CPU threads (null: the session's default). The jump
/// file is the one given, else the one <see cref="ChatJumps.Find"/> finds; one that is missing, unreadable or made
/// for another model leaves the model without jumps and says why in <see cref="IChatModel.JumpsProblem"/>.
/// Model failures throw as <see cref="ModelSession.Open"/> does.
/// </summary>
public sealed class ChatModelLoader(ChatJumps jumpFiles, GeneratorFactory generators, int contextTokens, int? threads = null) : IChatModelLoader
{
    public IChatModel Load(string modelPath, string? jumpsPath)
    {
        var session = ModelSession.Open(modelPath, new SessionOptions(SequenceCount: 1, MaxTokens: contextTokens, Threads: threads));
        try
        {
            string? path = jumpsPath ?? jumpFiles.FindForLoad(modelPath);
            JumpSet? jumps = null;
            string? problem = null;
            if (path is null)
            {
                problem = $"no jump file for {session.Info.FileName}; make one with: {ChatJumps.HowToMake(session.Info.FileName)}";
            }
            else
            {
                try
                {
                    jumps = ChatJumps.Load(path, session.Info);
                }
                catch (Exception e) when (e is JumpFileException or IOException or UnauthorizedAccessException)
                {
                    problem = $"jump file not used: {e.Message}";
                }
            }
            return new LoadedModel(session, jumps, path, problem, generators);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
