using System.Buffers.Binary;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Fuzz;

/// <summary>Seeded byte-level mutations of a valid seed file, biased toward what breaks binary readers: flipped bits,
/// truncation, boundary integers written over length/count/offset fields, spliced and duplicated regions.</summary>
public sealed class Mutator(ulong seed)
{
    private static readonly ulong[] Boundaries =
    [
        0, 1, 2, 7, 8, 31, 32, 63, 64, 127, 128, 255, 256, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ulong.MaxValue, ulong.MaxValue - 7,
    ];

    private SplitMix64 _random = new(seed);

    public byte[] Mutate(byte[] original)
    {
        var data = new List<byte>(original);
        int rounds = 1 + _random.NextBelow(4);
        for (int i = 0; i < rounds && data.Count > 0; i++)
        {
            switch (_random.NextBelow(7))
            {
                case 0: // flip a bit
                    {
                        int at = _random.NextBelow(data.Count);
                        data[at] ^= (byte)(1 << _random.NextBelow(8));
                        break;
                    }
                case 1: // random byte
                    data[_random.NextBelow(data.Count)] = (byte)_random.NextBelow(256);
                    break;
                case 2: // truncate
                    {
                        int cut = _random.NextBelow(data.Count);
                        data.RemoveRange(cut, data.Count - cut);
                        break;
                    }
                case 3: // boundary integer over a (probably) 4- or 8-byte field in the first KiB, where headers live
                    {
                        int width = _random.NextBelow(2) == 0 ? 4 : 8;
                        int limit = Math.Min(data.Count, 1024) - width;
                        if (limit <= 0)
                        {
                            break;
                        }
                        int at = _random.NextBelow(limit);
                        ulong value = Boundaries[_random.NextBelow(Boundaries.Length)];
                        Span<byte> bytes = stackalloc byte[8];
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                        for (int b = 0; b < width; b++)
                        {
                            data[at + b] = bytes[b];
                        }
                        break;
                    }
                case 4: // duplicate a region
                    {
                        int start = _random.NextBelow(data.Count);
                        int length = Math.Min(1 + _random.NextBelow(64), data.Count - start);
                        data.InsertRange(_random.NextBelow(data.Count), data.GetRange(start, length));
                        break;
                    }
                case 5: // delete a region
                    {
                        int start = _random.NextBelow(data.Count);
                        data.RemoveRange(start, Math.Min(1 + _random.NextBelow(64), data.Count - start));
                        break;
                    }
                default: // fill a region with one byte
                    {
                        int start = _random.NextBelow(data.Count);
                        byte fill = (byte)(_random.NextBelow(2) == 0 ? 0xFF : 0x00);
                        for (int b = start; b < Math.Min(data.Count, start + 1 + _random.NextBelow(32)); b++)
                        {
                            data[b] = fill;
                        }
                        break;
                    }
            }
        }
        return data.ToArray();
    }
}
