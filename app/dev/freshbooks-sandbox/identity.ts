/** GET /auth/api/v1/users/me (docs/freshbooks-api.md §2): root `response`, no `result`. */
import type { SandboxContext } from "./context";
import { json, type SandboxResponse } from "./http";

export function usersMe(context: SandboxContext): SandboxResponse {
  const { identity, businesses, clientLimit } = context.config;
  const own = businesses.filter((business) => !business.foreign);
  const accounts = own.flatMap((business) => (business.accountId === null ? [] : [{ ...business, accountId: business.accountId }]));
  const created = "2024-01-02 10:00:00";
  return json(200, {
    response: {
      id: identity.id,
      identity_id: identity.id,
      identity_uuid: "00000000-0000-4000-8000-000002192788",
      first_name: identity.firstName,
      last_name: identity.lastName,
      email: identity.email,
      language: "en",
      confirmed_at: created,
      created_at: created,
      unconfirmed_email: null,
      setup_complete: true,
      phone_numbers: [],
      addresses: [],
      profession: null,
      business_memberships: own.map((business) => ({
        id: business.membershipId,
        role: "owner",
        unacknowledged_change: false,
        fasttrack_token: null,
        business: {
          id: business.businessId,
          business_uuid: business.uuid,
          name: business.name,
          account_id: business.accountId,
          date_format: "mm/dd/yyyy",
          timezone: "America/Toronto",
          address: {
            id: business.businessId,
            street: "20 Sandbox St.",
            city: "Toronto",
            province: "Ontario",
            country: "Canada",
            postal_code: "M5V 2T6",
          },
          phone_number: { id: business.businessId, title: "", phone_number: "5555555555" },
          business_clients: [],
        },
      })),
      roles: accounts.map((business, index) => ({
        id: 9000001 + index,
        role: "admin",
        systemid: business.businessId,
        userid: 1,
        created_at: created,
        links: {},
        accountid: business.accountId,
      })),
      permissions: Object.fromEntries(accounts.map((business) => [business.accountId, { "client.limit": clientLimit ?? -1 }])),
      subscription_statuses: Object.fromEntries(accounts.map((business) => [business.accountId, "active"])),
      groups: own.map((business, index) => ({
        id: 9100001 + index,
        group_id: 9200001 + index,
        role: "owner",
        identity_id: identity.id,
        business_id: business.businessId,
        active: true,
      })),
      links: { me: "/service/auth/api/v1/users/me", roles: "/service/auth/api/v1/users/role" },
    },
  });
}
