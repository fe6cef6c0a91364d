package auth

import "testing"

// Every refusal of CheckAccessChange, and the changes it lets through.
func TestCheckAccessChange(t *testing.T) {
	admin := &User{ID: 1, Role: RoleAdmin, Status: StatusActive}
	other := &User{ID: 2, Role: RoleAdmin, Status: StatusActive}
	lead := &User{ID: 3, Role: RoleLead, Status: StatusActive, AssociationID: 5}
	firm := &User{ID: 4, Role: RoleFirm, Status: StatusActive, FirmID: 9}
	disabledAdmin := &User{ID: 6, Role: RoleAdmin, Status: StatusDisabled}
	cases := []struct {
		name          string
		actor, target *User
		to            Access
		others        int
		want          error
	}{
		{"disable oneself", admin, admin, Access{Role: RoleAdmin, Status: StatusDisabled}, 3, ErrAccessSelf},
		{"demote oneself", admin, admin, Access{Role: RoleAdvisor, Status: StatusActive}, 3, ErrAccessSelf},
		{"oneself unchanged", admin, admin, Access{Role: RoleAdmin, Status: StatusActive}, 0, nil},
		{"disable the last admin", admin, other, Access{Role: RoleAdmin, Status: StatusDisabled}, 0, ErrAccessLastAdmin},
		{"demote the last admin", admin, other, Access{Role: RoleLead, AssociationID: 5, Status: StatusActive}, 0, ErrAccessLastAdmin},
		{"disable an admin of two", admin, other, Access{Role: RoleAdmin, Status: StatusDisabled}, 1, nil},
		{"a disabled admin is not the last", admin, disabledAdmin, Access{Role: RoleAdvisor, Status: StatusDisabled}, 0, nil},
		{"lead without association", admin, lead, Access{Role: RoleLead, Status: StatusActive}, 1, ErrAccessLeadAssoc},
		{"advisor with association", admin, lead, Access{Role: RoleAdvisor, AssociationID: 5, Status: StatusActive}, 1, ErrAccessAssocOnly},
		{"lead to advisor", admin, lead, Access{Role: RoleAdvisor, Status: StatusActive}, 1, nil},
		{"lead moved", admin, lead, Access{Role: RoleLead, AssociationID: 7, Status: StatusActive}, 1, nil},
		{"firm to admin", admin, firm, Access{Role: RoleAdmin, Status: StatusActive}, 1, ErrAccessFirmRole},
		{"lead to firm", admin, lead, Access{Role: RoleFirm, Status: StatusActive}, 1, ErrAccessFirmRole},
		{"firm disabled", admin, firm, Access{Role: RoleFirm, Status: StatusDisabled}, 1, nil},
		{"firm given an association", admin, firm, Access{Role: RoleFirm, AssociationID: 5, Status: StatusActive}, 1, ErrAccessAssocOnly},
		{"unknown role", admin, lead, Access{Role: "root", Status: StatusActive}, 1, ErrAccessRole},
		{"pending status", admin, lead, Access{Role: RoleLead, AssociationID: 5, Status: StatusPending}, 1, ErrAccessStatus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckAccessChange(tc.actor, tc.target, tc.to, tc.others); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// RolesFor offers exactly the roles CheckAccessChange accepts.
func TestRolesForAgreesWithCheck(t *testing.T) {
	for _, target := range []*User{{ID: 2, Role: RoleFirm, Status: StatusActive}, {ID: 2, Role: RoleAdvisor, Status: StatusActive}} {
		offered := map[Role]bool{}
		for _, r := range RolesFor(target) {
			offered[r] = true
		}
		for _, r := range Roles {
			to := Access{Role: r, Status: StatusActive}
			if r == RoleLead {
				to.AssociationID = 1
			}
			ok := CheckAccessChange(&User{ID: 1}, target, to, 1) == nil
			if ok != offered[r] {
				t.Errorf("%s account, role %s: check says %v, RolesFor offers %v", target.Role, r, ok, offered[r])
			}
		}
	}
}
