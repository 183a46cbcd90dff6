using System;

namespace CoupleGen.Faces;

/// <summary>
/// A face's 128-D identity descriptor from <see cref="FaceEmbedder"/> (face-api.js's FaceRecognitionNet,
/// dlib's network). Compare two with <see cref="Distance"/>: below 0.6 face-api.js and dlib call them the
/// same person.
/// </summary>
public sealed class FaceEmbedding
{
    /// <summary>The length of a descriptor.</summary>
    public const int Length = 128;

    private readonly float[] values;

    /// <summary>Initializes a new instance of the <see cref="FaceEmbedding"/> class from a stored descriptor.</summary>
    /// <param name="vector">The <see cref="Length"/> values; they are copied.</param>
    /// <exception cref="ArgumentException"><paramref name="vector"/> does not hold <see cref="Length"/> finite values.</exception>
    public FaceEmbedding(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Length)
        {
            throw new ArgumentException($"A face embedding has {Length} values, not {vector.Length}.", nameof(vector));
        }

        foreach (float value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("A face embedding's values must be finite.", nameof(vector));
            }
        }

        values = vector.ToArray();
    }

    /// <summary>Gets the descriptor's <see cref="Length"/> values (not normalized).</summary>
    public ReadOnlyMemory<float> Vector => values;

    /// <summary>The cosine of the angle between two descriptors, in [-1, 1]; 1 for the same direction.</summary>
    /// <param name="other">The other embedding.</param>
    /// <returns>The cosine similarity; 0 when either descriptor is all zeros.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public double CosineSimilarity(FaceEmbedding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        double dot = 0, self = 0, theirs = 0;
        for (int i = 0; i < Length; i++)
        {
            dot += (double)values[i] * other.values[i];
            self += (double)values[i] * values[i];
            theirs += (double)other.values[i] * other.values[i];
        }

        return self == 0 || theirs == 0 ? 0 : dot / Math.Sqrt(self * theirs);
    }

    /// <summary>The Euclidean distance between two descriptors, face-api.js's measure: the same person is below about 0.6.</summary>
    /// <param name="other">The other embedding.</param>
    /// <returns>The distance, 0 or more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public double Distance(FaceEmbedding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        double sum = 0;
        for (int i = 0; i < Length; i++)
        {
            double d = (double)values[i] - other.values[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
