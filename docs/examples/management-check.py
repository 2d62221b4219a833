from approw.v2.exceptions import ApprowWrongArgumentException

management_client.check.target_type("USER")                                       # passes
try:
    management_client.check.target_type("TEAM")
except ApprowWrongArgumentException as e:
    print("refused:", e)
