using CoupleGen.Faces;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class FaceDetectorLeakTests
{
    [Fact]
    public void RepeatedDetectionLeavesNoLiveTensors()
    {
        using var detector = new FaceDetector();
        using var image = FaceImages.TwoFaces();
        Assert.Equal(2, detector.Detect(image).Count);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(2, detector.Detect(image).Count);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
