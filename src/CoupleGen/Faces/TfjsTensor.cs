using System.Collections.Generic;

namespace CoupleGen.Faces;

/// <summary>One dequantized weight of a TF.js model, in TensorFlow's layout (convolutions are [kh, kw, in, out]).</summary>
/// <param name="Shape">The manifest's shape.</param>
/// <param name="Values">The values, row-major, already dequantized.</param>
internal sealed record TfjsTensor(IReadOnlyList<long> Shape, float[] Values);
