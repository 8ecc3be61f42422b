// Container images as the tests handle them: read from and written to docker-archive tarballs
// (what `docker save` and the lab's image cache hold, and what `ctr images import` reads), with
// the sha256 digests a registry serves them under.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kadm::testing {

struct Blob {
  std::string digest;  // "sha256:<hex>"
  std::string data;
};

struct ArchiveImage {
  std::vector<std::string> repo_tags;  // "k8s.gcr.io/pause:3.2"
  Blob config;                         // the image configuration JSON
  std::vector<Blob> layers;            // uncompressed layer tarballs, base first
  // The registry manifest (schema 2) for this image, and its digest.
  std::string manifest() const;
  std::string manifest_digest() const;
};

std::string sha256_digest(const std::string& data);

// A ustar archive of regular files, in the given order.
std::string make_tar(const std::vector<std::pair<std::string, std::string>>& files);
// Regular files of a tar archive, by path ("./" prefixes dropped).
std::map<std::string, std::string> read_tar(const std::string& data);

// The images of a docker-archive tarball; throws std::runtime_error naming the file on bad input.
std::vector<ArchiveImage> read_docker_archive(const std::string& path);
// A docker-archive tarball holding `images`.
std::string make_docker_archive(const std::vector<ArchiveImage>& images);

// An image built here: `base`'s layers plus one layer holding `files`, tagged `tag`.
ArchiveImage build_image(const ArchiveImage& base, const std::vector<std::pair<std::string, std::string>>& files,
                         const std::string& tag);

std::string read_file(const std::string& path);

}  // namespace kadm::testing
