namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// numpy's legacy <c>RandomState(seed)</c> (MT19937) and its <c>shuffle</c>, bit for bit, so that
/// few-shot samples drawn here are the ones MTEB draws with the same seed.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] state = new uint[N];
    private int position;

    public NumpyRandomState(uint seed)
    {
        state[0] = seed;
        for (var i = 1; i < N; i++)
            state[i] = unchecked(1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i);
        position = N;
    }

    public uint NextUInt32()
    {
        if (position >= N) Twist();
        var y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>numpy's <c>random_interval(max)</c>: uniform in [0, max] by masked rejection.</summary>
    public ulong Interval(ulong max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
        ulong value;
        if (max <= 0xffffffffUL)
            while ((value = NextUInt32() & mask) > max) { }
        else
            while ((value = (((ulong)NextUInt32() << 32) | NextUInt32()) & mask) > max) { }
        return value;
    }

    /// <summary><c>RandomState.shuffle</c> on a 1-D array: Fisher–Yates from the end.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)Interval((ulong)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (state[i] & 0x80000000u) | (state[(i + 1) % N] & 0x7fffffffu);
            var next = state[(i + M) % N] ^ (y >> 1);
            if ((y & 1) != 0) next ^= 0x9908b0dfu;
            state[i] = next;
        }
        position = 0;
    }
}
