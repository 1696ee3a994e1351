using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// One generated token. <see cref="ExitLayer"/> is the block whose output produced it (n_layer − 1 = full depth).
/// <see cref="Piece"/> is the token's own text (partial UTF-8 sequences shown as U+FFFD); <see cref="Text"/> is the
/// text this token completes in the stream (empty while a multi-byte character is still open), so concatenating
/// <see cref="Text"/> over a reply gives exactly the reply's text. <see cref="DraftAccepted"/>: in spec mode true for
/// an accepted draft token, false for the full model's correction or bonus token; null in the other modes.
/// </summary>
public sealed record GeneratedToken(int Id, string Piece, string Text, int ExitLayer, bool? DraftAccepted = null);
