namespace LlamaJump.Models;

/// <summary>A --model argument named neither an existing file nor a model in any search directory.
/// <see cref="Exception.Message"/> is one line listing the directories searched.</summary>
public sealed class ModelNotFoundException : Exception
{
    public ModelNotFoundException(string model, IReadOnlyList<string> lookedIn)
        : base($"model '{model}' not found (looked in: {(lookedIn.Count == 0 ? "nowhere" : string.Join(", ", lookedIn))})")
    {
        Model = model;
        LookedIn = lookedIn;
    }

    /// <summary>The argument as given.</summary>
    public string Model { get; }

    /// <summary>Every directory searched by name, in order, whether or not it exists.</summary>
    public IReadOnlyList<string> LookedIn { get; }
}
