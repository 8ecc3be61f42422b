#include "etcd/client.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace kadm::etcd {
namespace {

using nlohmann::json;

// What etcd 3.4's JSON gateway answers to /v3/cluster/member/add: IDs as strings, isLearner
// only when true, no name/clientURLs for a member that has not started.
const char* kAddResponse = R"({
  "header": {"cluster_id": "14841639068965178418", "member_id": "10276657743932975437", "raft_term": "2"},
  "member": {"ID": "9372538179322589801", "peerURLs": ["https://10.0.0.12:2380"], "isLearner": true},
  "members": [
    {"ID": "10276657743932975437", "name": "node1", "peerURLs": ["https://10.0.0.11:2380"],
     "clientURLs": ["https://10.0.0.11:2379"]},
    {"ID": "9372538179322589801", "peerURLs": ["https://10.0.0.12:2380"], "isLearner": true}
  ]
})";

net::Response answer(int status, const std::string& body) {
  net::Response r;
  r.status = status;
  r.body = body;
  return r;
}

TEST(EtcdClient, ParsesTheGatewaysMemberAddAnswer) {
  auto resp = json::parse(kAddResponse);
  auto added = parse_member(resp["member"]);
  EXPECT_EQ(added.id, 9372538179322589801ull);
  EXPECT_TRUE(added.learner);
  auto members = parse_members(resp);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].name, "node1");
  EXPECT_EQ(members[0].id, 10276657743932975437ull) << "IDs above 2^63 must survive";
  EXPECT_FALSE(members[0].learner);
  EXPECT_EQ(members[0].client_urls, std::vector<std::string>{"https://10.0.0.11:2379"});
  EXPECT_EQ(display_name(members[1]), "8211f1d0f64f3269")
      << "an unstarted member is named by its hex ID";
}

TEST(EtcdClient, AddSendsThePeerURLAndLearnerFlagAndFallsOverToTheNextEndpoint) {
  std::vector<std::string> calls;
  std::string sent;
  Client c({"https://10.0.0.9:2379", "https://10.0.0.11:2379"},
           [&](const std::string& ep, const std::string& path, const std::string& body, Duration) {
             calls.push_back(ep + path);
             if (ep == "https://10.0.0.9:2379") {
               net::Response r;
               r.error = net::TransportError::Refused;
               return r;
             }
             sent = body;
             return answer(200, kAddResponse);
           });
  auto added = c.add("https://10.0.0.12:2380", true);
  EXPECT_EQ(json::parse(sent),
            json::parse(R"({"peerURLs":["https://10.0.0.12:2380"],"isLearner":true})"));
  EXPECT_EQ(calls, (std::vector<std::string>{"https://10.0.0.9:2379/v3/cluster/member/add",
                                             "https://10.0.0.11:2379/v3/cluster/member/add"}));
  EXPECT_EQ(added.members.size(), 2u);
  c.add("https://10.0.0.12:2380", false);
  EXPECT_EQ(json::parse(sent), json::parse(R"({"peerURLs":["https://10.0.0.12:2380"]})"));
}

TEST(EtcdClient, PromoteReportsTheServersReasonAndSendsTheIDAsString) {
  std::string sent;
  Client c({"https://10.0.0.11:2379"}, [&](const std::string&, const std::string&,
                                           const std::string& body, Duration) {
    sent = body;
    return answer(
        500,
        R"({"error":"etcdserver: can only promote a learner member which is in sync with leader","code":9,"message":"etcdserver: can only promote a learner member which is in sync with leader"})");
  });
  auto err = c.promote(9372538179322589801ull);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("in sync with leader"), std::string::npos) << *err;
  EXPECT_EQ(json::parse(sent)["ID"], "9372538179322589801");
}

TEST(EtcdClient, SyncReplacesEndpointsWithTheMembersClientURLs) {
  Client c({"https://10.0.0.11:2379"}, [&](const std::string&, const std::string& path,
                                           const std::string&, Duration) {
    EXPECT_EQ(path, "/v3/cluster/member/list");
    return answer(200, R"({"members":[{"ID":"1","name":"a","clientURLs":["https://10.0.0.11:2379"]},
                                      {"ID":"2","name":"b","clientURLs":["https://10.0.0.12:2379"]}]})");
  });
  c.sync();
  EXPECT_EQ(c.endpoints(),
            (std::vector<std::string>{"https://10.0.0.11:2379", "https://10.0.0.12:2379"}));
}

TEST(EtcdClient, EveryEndpointFailingIsOneErrorNamingEach) {
  Client c({"https://10.0.0.11:2379", "https://10.0.0.12:2379"},
           [&](const std::string&, const std::string&, const std::string&, Duration) {
             net::Response r;
             r.error = net::TransportError::Timeout;
             return r;
           });
  try {
    c.list();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("10.0.0.11:2379"), std::string::npos) << m;
    EXPECT_NE(m.find("10.0.0.12:2379"), std::string::npos) << m;
  }
}

TEST(EtcdClient, URLsBracketIPv6) {
  EXPECT_EQ(peer_url("10.0.0.12"), "https://10.0.0.12:2380");
  EXPECT_EQ(client_url("fd00::12"), "https://[fd00::12]:2379");
}

}  // namespace
}  // namespace kadm::etcd
