"""Helpers of the SDK end-to-end tests of the management areas: an asyncio management client
for an emulator, and custom field definitions made over raw GraphQL (the ``udf`` area is
tested on its own)."""

from __future__ import annotations

from typing import Any

from approw.v2.management import AsyncManagementClient, ManagementClient, ManagementClientOptions

SET_UDF = "mutation($t: UDFTargetType!, $k: String!, $d: UDFDataType!) " \
          "{ setUdf(targetType: $t, key: $k, dataType: $d, label: $k) { key } }"


def async_management(emu: Any) -> AsyncManagementClient:
    return AsyncManagementClient(ManagementClientOptions(
        user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url, enc_public_key=emu.public_key))


def define_udf(management: ManagementClient, target_type: str, key: str, data_type: str) -> None:
    management.graphqlClient.request(SET_UDF, {"t": target_type, "k": key, "d": data_type},
                                     management.tokenProvider.getAccessToken())
