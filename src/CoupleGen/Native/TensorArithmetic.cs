using static TorchSharp.torch;

namespace CoupleGen.Native;

/// <summary>
/// Tensor addition with a process-lifetime alpha. TorchSharp's <c>add(Tensor)</c>, <c>add_(Tensor)</c>
/// and the <c>+</c> operator pass a temporary <c>Scalar</c> alpha of 1 to native code; the garbage
/// collector can finalize it during the call, which crashed face detection ("toFloat: Expected false
/// to be true") in about one run in three. Use these instead (<c>sub(Tensor)</c> passes no Scalar).
/// </summary>
internal static class TensorArithmetic
{
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, Scalars.One);

    public static Tensor PlusInPlace(this Tensor left, Tensor right) => left.add_(right, Scalars.One);
}
