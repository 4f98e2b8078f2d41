package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"sync"
	"time"
)

// The photo upload scenario: UploadClients engineers at once each send a
// camera's photo (UploadWidth × UploadHeight, 12 megapixels) to the photos
// of one of their projects, round after round, while the server's peak
// resident memory is watched.
const (
	UploadClients = 8
	UploadWidth   = 4000
	UploadHeight  = 3000
	// uploadNoise is the grain of the photo: enough that it weighs what a
	// phone's does (3 to 6 MB), not a flat picture that compresses to
	// nothing.
	uploadNoise = 14
)

// NoisyJPEG is a w × h JPEG of broad gradients and stripes with a grain
// of ±noise levels, the same for the same seed: a photograph's weight
// without a photograph.
func NoisyJPEG(w, h int, seed uint64, noise int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9407))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		row := img.Y[y*img.YStride:]
		for x := range w {
			v := 40 + 150*x/w + 30*((x/37+y/53)%3) - 20*(y*4/h)
			if noise > 0 {
				v += r.IntN(2*noise+1) - noise
			}
			row[x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			i := y*img.CStride + x
			img.Cb[i] = uint8(100 + 60*x/w + r.IntN(5))
			img.Cr[i] = uint8(120 + 40*y/h + r.IntN(5))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	return buf.Bytes()
}

// PhotoUpload is the upload form's body for one photo, made once and
// sent again and again.
type PhotoUpload struct {
	body        []byte
	contentType string
}

// NewPhotoUpload is the upload form carrying photo, as a browser sends it.
func NewPhotoUpload(photo []byte) PhotoUpload {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("caption", "基准测试：施工现场照片")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photos"; filename="IMG_0001.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	part, _ := mw.CreatePart(h)
	part.Write(photo)
	mw.Close()
	return PhotoUpload{body: buf.Bytes(), contentType: mw.FormDataContentType()}
}

// DriveUploads has clients upload u at once, each rounds times one after
// another, to the projects given in turn (client c's round r goes to
// projects[(r*clients+c) % len]), so that no project meets its photos a
// day. The CSRF token goes in the address, as the form sends it. Each
// answer must be the 303 to the project's photos; anything else (a 422
// for a refused photo, a 413, a 5xx) is a failure.
func DriveUploads(ctx context.Context, signedIn *http.Client, site, csrf string, projects []int64, u PhotoUpload, clients, rounds int) Result {
	client := *signedIn
	client.Timeout = 5 * time.Minute
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	workers := make([]Result, clients)
	began := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &workers[c]
			for r := range rounds {
				if ctx.Err() != nil {
					return
				}
				id := strconv.FormatInt(projects[(r*clients+c)%len(projects)], 10)
				start := time.Now()
				err := upload(ctx, &client, site+"/projects/"+id+"/photos?_csrf="+csrf, "/projects/"+id+"/photos", u)
				took := time.Since(start)
				if err != nil {
					s.Failures++
					if s.FirstFail == "" {
						s.FirstFail = err.Error()
					}
					continue
				}
				s.latencies = append(s.latencies, took)
				s.Bytes = len(u.body)
			}
		}()
	}
	wg.Wait()
	res := Combine(workers...)
	res.Elapsed = time.Since(began)
	return res
}

func upload(ctx context.Context, client *http.Client, url, want string, u PhotoUpload) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(u.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", u.contentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s", want, resp.Status)
	}
	if loc := resp.Header.Get("Location"); loc != want {
		return fmt.Errorf("POST %s: sent to %s", want, loc)
	}
	return nil
}
