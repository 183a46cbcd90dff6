using TorchSharp;

namespace CoupleGen.Native;

/// <summary>Turns an optional device choice into a device: CUDA when available, else CPU.</summary>
internal static class DeviceSelector
{
    public static torch.Device Resolve(torch.Device? requested) =>
        requested ?? (torch.cuda.is_available() ? torch.CUDA : torch.CPU);
}
